import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routingWorkdir, runCommand } from '../../helpers/routing-command-runner.ts';

// A routing file with Windows line endings (CRLF, as a checkout with core.autocrlf gives): the
// lines an edit added (a content rule, a destination) ended in LF alone, so `--write` left the
// file with mixed line endings, and the next diff showed every new line as changed.

const FIXTURE = '12-several-hosts.yaml';

function crlfWorkdir(): string {
  const dir = routingWorkdir(FIXTURE);
  const path = join(dir, FIXTURE);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'));
  return dir;
}

const bareLineFeeds = (text: string) =>
  text.split('\n').filter((l, i, all) => i < all.length - 1 && !l.endsWith('\r')).length;

describe('--write on a file with CRLF line endings', () => {
  it.each([
    ['route', ['--to', 'v2', '--when', 'header:x-canary=true']],
    ['cutover', ['--to', 'v2']],
  ])('%s keeps every line ending CRLF', async (command, extra) => {
    const dir = crlfWorkdir();
    const before = readFileSync(join(dir, FIXTURE), 'utf8');
    const r = await runCommand(
      [command, '-f', FIXTURE, '--host', 'bookstore.example.com', ...extra, '--write'],
      dir,
    );
    expect(r.code).toBe(0);
    const after = readFileSync(join(dir, FIXTURE), 'utf8');
    expect(after).not.toBe(before);
    expect(bareLineFeeds(after)).toBe(0);
  });
});
