import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli.ts';
import type { CommandIO } from '../../../main/commands/command.ts';

describe('switchyard demo', () => {
  it('writes the kubeconfig, prints one ready line, serves, and stops on the stop signal', async () => {
    let stop: (s: string) => void = () => {};
    const out: string[] = [];
    const err: string[] = [];
    const kubeconfig = join(tmpdir(), `switchyard-demo-test-${process.pid}`, 'kubeconfig');
    const io: CommandIO = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      cwd: process.cwd(),
      env: {},
      stopSignal: new Promise((r) => {
        stop = r;
      }),
    };
    const exit = main(['demo', '--http', '--kubeconfig', kubeconfig, '--seed', '7'], io);
    const started = Date.now();
    while (out.length === 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    const line = out.join('');
    expect(line).toMatch(
      /^demo mesh ready: http:\/\/127\.0\.0\.1:\d+ kubeconfig=\S+ contexts=demo-admin,demo-viewer,demo-team\n$/,
    );
    const url = /ready: (\S+)/.exec(line)?.[1] ?? '';
    const yaml = await readFile(kubeconfig, 'utf8');
    expect(yaml).toContain('current-context: demo-admin');
    const token = /name: demo-admin\n\s+user:\n\s+token: (\S+)/.exec(yaml)?.[1];
    const version = await fetch(`${url}/version`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await version.json()) as { gitVersion: string }).gitVersion).toMatch(/^v1\.32\./);
    stop('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/version`)).rejects.toThrow();
  });

  it('refuses a bad port with a usage error', async () => {
    const err: string[] = [];
    const io: CommandIO = {
      stdout: () => {},
      stderr: (t) => err.push(t),
      cwd: '.',
      env: {},
      stopSignal: new Promise(() => {}),
    };
    expect(await main(['demo', '--port', 'http'], io)).toBe(2);
    expect(err.join('')).toContain("--port must be a whole number from 0 to 65535, not 'http'");
  });
});
