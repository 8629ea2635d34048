import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../main/cli.ts';
import { captureIO } from './capture-io.ts';
import { repoRoot } from './shared-reference.ts';

export const routingFixture = (name: string) => join(repoRoot, 'test', 'fixtures', 'routing', name);

/** A fresh folder holding copies of the named routing fixtures, so `--write` never touches the originals. */
export function routingWorkdir(...fixtures: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cmd-'));
  for (const f of fixtures) copyFileSync(routingFixture(f), join(dir, f));
  return dir;
}

/** Runs `switchyard <args>` in cwd and returns its exit code and what it printed. */
export async function runCommand(args: string[], cwd: string) {
  const c = captureIO({ cwd });
  const code = await main(args, c.io);
  return { code, out: c.stdout(), err: c.stderr() };
}
