import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFileArgs } from '../../../main/commands/yaml-file-args.ts';
import { FLEET_VS, fleetRepo } from '../../helpers/fleet-repo.ts';
import { runCommand } from '../../helpers/routing-command-runner.ts';

// `switchyard split|cutover` over several files and folders, in process (the spawned command is
// test/integration/commands/fleet-files.test.ts).

const split = (...args: string[]) => ['split', ...args, '--host', 'reviews', '--set', 'v1=90,v2=10'];
const read = (repo: string, path: string) => readFileSync(join(repo, path), 'utf8');

describe('the files a folder stands for', () => {
  it('are its *.yaml and *.yml files, recursively and sorted, hidden folders skipped, each once', async () => {
    const repo = fleetRepo({ 'us-1': 100, 'eu-1': 100 });
    writeFileSync(
      join(repo, 'clusters/eu-1/extra.yml'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n',
    );
    writeFileSync(join(repo, 'clusters/eu-1/notes.txt'), 'not yaml');
    const files = (await expandFileArgs(['clusters/eu-1/reviews-vs.yaml', 'clusters'], repo)).map((f) => [
      f.file,
      f.inFolder,
    ]);
    expect(files).toEqual([
      ['clusters/eu-1/reviews-vs.yaml', false],
      ['clusters/eu-1/extra.yml', true],
      ['clusters/eu-1/reviews-dr.yaml', true],
      ['clusters/us-1/reviews-dr.yaml', true],
      ['clusters/us-1/reviews-vs.yaml', true],
      ['clusters/values.yaml', true],
    ]);
  });

  it('is an error when it holds no YAML file', async () => {
    const repo = fleetRepo();
    mkdirSync(join(repo, 'empty'));
    const r = await runCommand(split('-f', 'empty'), repo);
    expect(r.code).toBe(1);
    expect(r.err).toBe('switchyard split: empty: no .yaml or .yml file in this folder\n');
  });
});

describe('switchyard split over a folder per cluster', () => {
  it('--dry-run prints a line per file and the diffs, and writes nothing', async () => {
    const repo = fleetRepo();
    const r = await runCommand(split('-f', 'clusters', '--dry-run'), repo);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      [
        'clusters/ap-1/reviews-dr.yaml: no route for reviews',
        'clusters/ap-1/reviews-vs.yaml: VirtualService bookinfo/reviews: v2 0% → 10%, v1 100% → 90%',
        'clusters/eu-1/reviews-dr.yaml: no route for reviews',
        'clusters/eu-1/reviews-vs.yaml: VirtualService bookinfo/reviews: v2 0% → 10%, v1 100% → 90%',
        'clusters/us-1/reviews-dr.yaml: no route for reviews',
        'clusters/us-1/reviews-vs.yaml: VirtualService bookinfo/reviews: unchanged (v1 90%, v2 10%)',
        "clusters/values.yaml: skipped: doc#1: not a Kubernetes object: field 'kind' is missing or not a string",
        '--- a/clusters/ap-1/reviews-vs.yaml',
        '+++ b/clusters/ap-1/reviews-vs.yaml',
        '@@ -9,6 +9,6 @@',
      ].join('\n'),
    );
    expect(r.out).toContain('-          weight: 100 # stable\n+          weight: 90 # stable\n');
    expect(r.out).toContain('--- a/clusters/eu-1/reviews-vs.yaml');
    expect(r.out).not.toContain('a/clusters/us-1');
    expect(read(repo, 'clusters/eu-1/reviews-vs.yaml')).toBe(FLEET_VS(100));
  });

  it('prints the edited YAML as before, with the summary on stderr', async () => {
    const repo = fleetRepo({ 'eu-1': 100, 'us-1': 100 });
    const r = await runCommand(split('-f', 'clusters/eu-1', '-f', 'clusters/us-1'), repo);
    expect(r.code).toBe(0);
    expect(r.out.match(/weight: 90 # stable/g)).toHaveLength(2);
    expect(r.err).toContain('clusters/us-1/reviews-vs.yaml: VirtualService bookinfo/reviews: v2 0% → 10%');
    expect(read(repo, 'clusters/us-1/reviews-vs.yaml')).toBe(FLEET_VS(100));
  });

  it('a named file that is not Kubernetes YAML is an error, not passed over', async () => {
    const repo = fleetRepo();
    const r = await runCommand(split('-f', 'clusters/eu-1', '-f', 'clusters/values.yaml', '--write'), repo);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "clusters/values.yaml: error: doc#1: not a Kubernetes object: field 'kind' is missing",
    );
    expect(r.err).toContain('switchyard split: nothing written: 1 of 3 files have an error (see above)\n');
    expect(read(repo, 'clusters/eu-1/reviews-vs.yaml')).toBe(FLEET_VS(100));
  });

  it('--dry-run on one file prints its line and its diff', async () => {
    const repo = fleetRepo({ 'eu-1': 100 });
    const r = await runCommand(split('-f', 'clusters/eu-1/reviews-vs.yaml', '--dry-run'), repo);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'clusters/eu-1/reviews-vs.yaml: VirtualService bookinfo/reviews: v2 0% → 10%, v1 100% → 90%',
        '--- a/clusters/eu-1/reviews-vs.yaml',
        '+++ b/clusters/eu-1/reviews-vs.yaml',
        '@@ -9,6 +9,6 @@',
        '   http:',
        '     - route:',
        '         - destination: { host: reviews, subset: v1 }',
        '-          weight: 100 # stable',
        '+          weight: 90 # stable',
        '         - destination: { host: reviews, subset: v2 }',
        '-          weight: 0',
        '+          weight: 10',
        '',
      ].join('\n'),
    );
  });

  it('refuses --write with --dry-run as a usage error', async () => {
    const r = await runCommand(split('-f', 'clusters', '--write', '--dry-run'), fleetRepo());
    expect(r.code).toBe(2);
    expect(r.err).toContain('--write and --dry-run exclude each other');
  });

  it('checks every changed file before writing any: one changed since it was read, none written', async () => {
    const repo = fleetRepo({ 'eu-1': 100, 'us-1': 100 });
    const { readSourceFile } = await import('../../../main/commands/read-yaml-files.ts');
    const { writeEdits } = await import('../../../main/commands/write-edits.ts');
    const { captureIO } = await import('../../helpers/capture-io.ts');
    const eu = await readSourceFile('clusters/eu-1/reviews-vs.yaml', repo);
    const us = await readSourceFile('clusters/us-1/reviews-vs.yaml', repo);
    const sources = new Map([
      [eu.file, eu],
      [us.file, us],
    ]);
    const edits = [
      { file: eu.file, after: FLEET_VS(90) },
      { file: us.file, after: FLEET_VS(90) },
    ];
    const c = captureIO({ cwd: repo });
    const racing = writeEdits(c.io, sources, edits, true);
    // Someone edits us-1 after it was read: refused at its check, nothing written at all.
    writeFileSync(join(repo, us.file), `${us.text}# theirs\n`);
    await expect(racing).rejects.toThrow('nothing written: 1 of 2 changed files cannot be written');
    expect(c.stderr()).toContain(`${us.file}: the file changed since it was read: not rewritten`);
    expect(read(repo, eu.file)).toBe(FLEET_VS(100));
  });

  it('says which files were written and which not when a rename fails midway', async () => {
    const repo = fleetRepo({ 'ap-1': 100, 'eu-1': 100, 'us-1': 100 });
    const { readSourceFile } = await import('../../../main/commands/read-yaml-files.ts');
    const { writeEdits } = await import('../../../main/commands/write-edits.ts');
    const { rewriteFile } = await import('../../../main/commands/rewrite-file.ts');
    const { InputError } = await import('../../../main/commands/command.ts');
    const { captureIO } = await import('../../helpers/capture-io.ts');
    const files = ['ap-1', 'eu-1', 'us-1'].map((c) => `clusters/${c}/reviews-vs.yaml`);
    const sources = new Map(
      await Promise.all(files.map(async (f) => [f, await readSourceFile(f, repo)] as const)),
    );
    const edits = files.map((file) => ({ file, after: FLEET_VS(90) }));
    // The second rename is refused (another writer got there between its check and its rename).
    const failing: typeof rewriteFile = async (source, text, target) => {
      if (source.file === files[1])
        throw new InputError(
          `${source.file}: the file changed since it was read: not rewritten (run the command again)`,
        );
      return rewriteFile(source, text, target);
    };
    const c = captureIO({ cwd: repo });
    await expect(writeEdits(c.io, sources, edits, true, failing)).rejects.toThrow(
      `${files[1]}: the file changed since it was read: not rewritten (run the command again); already written: ${files[0]}; not written: ${files[1]}, ${files[2]}`,
    );
    expect(files.map((f) => read(repo, f))).toEqual([FLEET_VS(90), FLEET_VS(100), FLEET_VS(100)]);
  });

  it('documents the exit codes and the several-files rules in --help', async () => {
    for (const command of ['split', 'cutover']) {
      const r = await runCommand([command, '--help'], fleetRepo());
      expect(r.out).toContain('Exit status:\n  0  done');
      expect(r.out).toContain('no route for\n  HOST');
      expect(r.out).toContain('--dry-run');
    }
  });
});
