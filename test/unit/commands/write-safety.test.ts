// `--write` against the ways a file can be special or change under us: a symlink, a private mode,
// another owner, a read-only file, a concurrent writer, a FIFO; and YAML errors that must be one
// line with file and line, never a stack trace.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSourceFile } from '../../../main/commands/read-yaml-files.ts';
import { checkWritable, rewriteFile } from '../../../main/commands/rewrite-file.ts';
import { routingWorkdir, runCommand } from '../../helpers/routing-command-runner.ts';

const FILE = '01-retries-timeout.yaml';
const split = (file: string) => [
  'split',
  '-f',
  file,
  '--host',
  'ratings',
  '-n',
  'shop',
  '--set',
  'v1=50,v2=50',
  '--write',
];
const unix = process.platform !== 'win32';

describe('switchyard … --write', () => {
  it('writes through a symlink to its target, and the link stays a link', async () => {
    const dir = routingWorkdir(FILE);
    mkdirSync(join(dir, 'real'));
    execFileSync('mv', [join(dir, FILE), join(dir, 'real', FILE)]);
    symlinkSync(join('real', FILE), join(dir, 'link.yaml'));
    const r = await runCommand(split('link.yaml'), dir);
    expect(r.err).toBe('wrote link.yaml\n');
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', FILE), 'utf8')).toContain('weight: 50   # canary');
    expect(readdirSync(join(dir, 'real'))).toEqual([FILE]);
  });

  it('keeps the file’s mode (0600 stays 0600, 0664 stays 0664)', async () => {
    if (!unix) return;
    for (const mode of [0o600, 0o664]) {
      const dir = routingWorkdir(FILE);
      chmodSync(join(dir, FILE), mode);
      const r = await runCommand(split(FILE), dir);
      expect(r.code).toBe(0);
      expect(statSync(join(dir, FILE)).mode & 0o777).toBe(mode);
    }
  });

  it('keeps the file’s owner', async () => {
    if (!unix || process.getuid?.() !== 0) return; // only root may give a file away
    const dir = routingWorkdir(FILE);
    chownSync(join(dir, FILE), 4321, 4322);
    const r = await runCommand(split(FILE), dir);
    expect(r.code).toBe(0);
    const s = statSync(join(dir, FILE));
    expect([s.uid, s.gid]).toEqual([4321, 4322]);
  });

  it('refuses a read-only file with a clear error and leaves it as it was', async () => {
    if (!unix) return;
    const dir = routingWorkdir(FILE);
    const before = readFileSync(join(dir, FILE), 'utf8');
    chmodSync(join(dir, FILE), 0o444);
    const r = await runCommand(split(FILE), dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `switchyard split: ${FILE}: the file is read-only: not rewritten (make it writable, or leave out --write to print the result)\n`,
    );
    expect(readFileSync(join(dir, FILE), 'utf8')).toBe(before);
    expect(statSync(join(dir, FILE)).mode & 0o777).toBe(0o444);
    expect(readdirSync(dir)).toEqual([FILE]);
  });

  it('refuses a FIFO given as a file instead of waiting for a writer', async () => {
    if (!unix) return;
    const dir = routingWorkdir();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const r = await runCommand(split('pipe.yaml'), dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'switchyard split: pipe.yaml is a named pipe (FIFO), not a regular file: refused (reading it could block or never end)\n',
    );
  });
});

describe('the compare-and-rename of a rewrite', () => {
  it('refuses a file changed after it was read, before writing anything', async () => {
    const dir = routingWorkdir(FILE);
    const source = await readSourceFile(FILE, dir);
    writeFileSync(join(dir, FILE), `${source.text}# someone else's line\n`);
    await expect(checkWritable(source)).rejects.toThrow(
      `${FILE}: the file changed since it was read: not rewritten (run the command again)`,
    );
  });

  it('refuses a file changed between the check and the rename, keeping the other writer’s text', async () => {
    const dir = routingWorkdir(FILE);
    const source = await readSourceFile(FILE, dir);
    const target = await checkWritable(source);
    const theirs = `${source.text}# someone else's line\n`;
    writeFileSync(join(dir, FILE), theirs);
    await expect(rewriteFile(source, 'ours\n', target)).rejects.toThrow(/changed since it was read/);
    expect(readFileSync(join(dir, FILE), 'utf8')).toBe(theirs);
    expect(readdirSync(dir)).toEqual([FILE]);
  });
});

describe('YAML errors in files given to a command', () => {
  it('reports an alias to an undefined anchor with file and line, not a stack trace', async () => {
    const dir = routingWorkdir();
    writeFileSync(
      join(dir, 'alias.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: *nope\n',
    );
    for (const args of [
      ['lint', '-f', 'alias.yaml'],
      ['split', '-f', 'alias.yaml', '--host', 'a', '--set', 'v1=100'],
    ]) {
      const r = await runCommand(args, dir);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `switchyard ${args[0]}: alias.yaml:9: YAML error in document #2: alias *nope refers to an anchor &nope that is not defined before it\n`,
      );
    }
  });

  it('refuses a billion-laughs file with a message', async () => {
    const dir = routingWorkdir();
    const lines = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: a',
      'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
    ];
    for (let i = 1; i < 9; i++) {
      const prev = `*a${i - 1}`;
      lines.push(`a${i}: &a${i} [${Array(10).fill(prev).join(', ')}]`);
    }
    writeFileSync(join(dir, 'laughs.yaml'), `${lines.join('\n')}\n`);
    const r = await runCommand(['lint', '-f', 'laughs.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^switchyard lint: laughs\.yaml:1: YAML error in document #1: too many aliases .*: refused\n$/,
    );
  });
});
