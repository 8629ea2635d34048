import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEET_DR, FLEET_VS, fleetRepo } from '../../helpers/fleet-repo.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

// `switchyard split|cutover` as an operator runs it in a GitOps repository laid out by cluster:
// the real process (bin/switchyard.mjs: the built bundle when current, else the sources), a temp
// repository, and the files on disk afterwards.

function switchyard(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bin/switchyard.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const read = (repo: string, path: string) => readFileSync(join(repo, path), 'utf8');
const VS = (c: string) => `clusters/${c}/reviews-vs.yaml`;

describe('switchyard split/cutover over a repository with a folder per cluster', () => {
  it('edits every cluster’s route in place from one folder, and says what happened to each file', () => {
    const repo = fleetRepo();
    chmodSync(join(repo, VS('eu-1')), 0o640);
    const r = switchyard(
      repo,
      'split',
      '-f',
      'clusters',
      '--host',
      'reviews',
      '--set',
      'v1=80,v2=10,v3=10',
      '--write',
    );
    expect(r.err).toBe(`wrote ${VS('ap-1')}, ${VS('eu-1')}, ${VS('us-1')}\n`);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.includes('reviews-vs'))).toEqual([
      `${VS('ap-1')}: VirtualService bookinfo/reviews: v2 0% → 10%, v3 0% → 10%, v1 100% → 80%`,
      `${VS('eu-1')}: VirtualService bookinfo/reviews: v2 0% → 10%, v3 0% → 10%, v1 100% → 80%`,
      `${VS('us-1')}: VirtualService bookinfo/reviews: v3 0% → 10%, v1 90% → 80%`,
    ]);
    for (const c of ['ap-1', 'eu-1', 'us-1']) {
      const text = read(repo, VS(c));
      expect(text).toContain('# reviews, as this cluster routes it');
      expect(text).toContain('weight: 80 # stable');
      expect(text).toContain('subset: v3');
      expect(read(repo, `clusters/${c}/reviews-dr.yaml`)).toBe(FLEET_DR('v1', 'v2', 'v3'));
      expect(readdirSync(join(repo, 'clusters', c)).sort()).toEqual(['reviews-dr.yaml', 'reviews-vs.yaml']);
    }
    expect(statSync(join(repo, VS('eu-1'))).mode & 0o777).toBe(0o640);
    // Run again: every route already says it.
    const again = switchyard(
      repo,
      'split',
      '-f',
      'clusters',
      '--host',
      'reviews',
      '--set',
      'v1=80,v2=10,v3=10',
      '--write',
    );
    expect(again.code).toBe(0);
    expect(again.err).toBe('no change: the files already say this\n');
    expect(again.out.match(/unchanged \(v1 80%, v2 10%, v3 10%\)/g)).toHaveLength(3);
  });

  it('is all or nothing: one cluster’s error leaves every file as it was', () => {
    const repo = fleetRepo();
    // us-1 never declared v3: the cut-over cannot apply there, so it applies nowhere.
    writeFileSync(join(repo, 'clusters/us-1/reviews-dr.yaml'), FLEET_DR('v1', 'v2'));
    const before = ['ap-1', 'eu-1', 'us-1'].map((c) => read(repo, VS(c)));
    const r = switchyard(
      repo,
      'cutover',
      '-f',
      'clusters/eu-1',
      '-f',
      'clusters/us-1',
      '-f',
      'clusters/ap-1',
      '--host',
      'reviews',
      '--to',
      'v3',
      '--write',
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${VS('eu-1')}: VirtualService bookinfo/reviews: v3 0% → 100% (switch all traffic)`,
    );
    expect(r.err).toMatch(new RegExp(`${VS('us-1')}: error: doc#1: VirtualService reviews: .*'v3'`));
    expect(r.err).toContain('switchyard cutover: nothing written: 1 of 6 files have an error (see above)\n');
    expect(r.out).toBe('');
    expect(['ap-1', 'eu-1', 'us-1'].map((c) => read(repo, VS(c)))).toEqual(before);
  });

  it('refuses the whole change when one cluster’s route is read-only, and names it', () => {
    const repo = fleetRepo();
    const before = ['ap-1', 'eu-1', 'us-1'].map((c) => read(repo, VS(c)));
    chmodSync(join(repo, VS('us-1')), 0o444);
    const r = switchyard(repo, 'cutover', '-f', 'clusters', '--host', 'reviews', '--to', 'v2', '--write');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${VS('us-1')}: the file is read-only: not rewritten (make it writable, or leave out --write to print the result)\n` +
        'switchyard cutover: nothing written: 1 of 3 changed files cannot be written\n',
    );
    expect(['ap-1', 'eu-1', 'us-1'].map((c) => read(repo, VS(c)))).toEqual(before);
    expect(statSync(join(repo, VS('us-1'))).mode & 0o777).toBe(0o444);
  });

  it('writes through a cluster’s symlinked route, the link staying a link', () => {
    const repo = fleetRepo({ 'eu-1': 100, 'us-1': 100 });
    mkdirSync(join(repo, 'base'));
    renameSync(join(repo, VS('us-1')), join(repo, 'base/reviews-vs.yaml'));
    symlinkSync('../../base/reviews-vs.yaml', join(repo, VS('us-1')));
    const r = switchyard(
      repo,
      'split',
      '-f',
      'clusters',
      '--host',
      'reviews',
      '--set',
      'v1=50,v2=50',
      '--write',
    );
    expect(r.code).toBe(0);
    expect(lstatSync(join(repo, VS('us-1'))).isSymbolicLink()).toBe(true);
    expect(read(repo, 'base/reviews-vs.yaml')).toBe(FLEET_VS(50));
  });

  it('reports “no route” per file, and is an error only when no file routes the host', () => {
    const repo = fleetRepo({ 'eu-1': 100 });
    const r = switchyard(
      repo,
      'split',
      '-f',
      'clusters',
      '--host',
      'ratings',
      '--set',
      'v1=100',
      '--dry-run',
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "switchyard split: clusters: no VirtualService or HTTPRoute for host 'ratings' (hosts found: reviews)\n",
    );
  });
});
