import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../main/cli.ts';
import { recordingIO } from '../../helpers/capture-io.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const captureIO = () => recordingIO(repoRoot);

describe('switchyard match', () => {
  it('prints the Android preset as a JSON array of ORed matches', async () => {
    const io = captureIO();
    expect(await main(['match', '--os', 'android', '--json'], io)).toBe(0);
    const matches = JSON.parse(io.out());
    expect(Array.isArray(matches)).toBe(true);
    expect(matches[0].headers['user-agent'].regex).toContain('Android');
  });
  it('prints YAML by default, with the Chrome exclusions under withoutHeaders', async () => {
    const io = captureIO();
    expect(await main(['match', '--browser', 'Chrome'], io)).toBe(0);
    const matches = parse(io.out());
    expect(matches[0].withoutHeaders['user-agent'].regex).toContain('Edg');
  });
  it('adds further conditions given with --when', async () => {
    const io = captureIO();
    expect(await main(['match', '--os', 'ios', '--when', 'cookie:beta=1', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())[0].headers.cookie.regex).toContain('beta=1');
  });
  it('names an unknown operating system in one line and exits 2', async () => {
    const io = captureIO();
    expect(await main(['match', '--os', 'beos'], io)).toBe(2);
    expect(io.err()).toContain("unknown operating system 'beos'");
  });
  it('refuses a regex RE2 rejects', async () => {
    const io = captureIO();
    expect(await main(['match', '--when', 'header:x~(?=a)'], io)).toBe(2);
    expect(io.err()).toContain('invalid RE2 regex');
  });
  it('asks for at least one condition', async () => {
    const io = captureIO();
    expect(await main(['match'], io)).toBe(2);
    expect(io.err()).toContain('at least one of --os, --browser or --when');
  });
  it('works through the real bin', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/switchyard.mjs', 'match', '--os', 'android', '--json'],
      {
        cwd: repoRoot,
      },
    );
    expect(JSON.parse(stdout)[0].headers['user-agent'].regex).toContain('Android');
  });
});
