import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLoginShellEnvironment } from '../../../main/core/login-shell-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'sy-shell-'));

/** A fake login shell: runs `bash -c <script>` after its own preamble. */
function fakeShell(name: string, preamble: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/bash\n${preamble}\nexec /bin/bash -c "$4"\n`);
  chmodSync(file, 0o755);
  return file;
}

const baseEnv = { PATH: '/usr/bin:/bin', HOME: dir };

describe('loadLoginShellEnvironment', () => {
  it('reads PATH and other variables the login shell sets', async () => {
    const shell = fakeShell('good', 'export PATH="/opt/aws/bin:$PATH"; export KUBE_PLUGIN_HOME=/opt/plugins');
    const result = await loadLoginShellEnvironment({ env: baseEnv, platform: 'linux', shell });
    expect(result.error).toBeUndefined();
    expect(result.env.PATH?.split(':')[0]).toBe('/opt/aws/bin');
    expect(result.env.KUBE_PLUGIN_HOME).toBe('/opt/plugins');
  });

  it('ignores banners and noise a profile prints before and after', async () => {
    const shell = fakeShell(
      'noisy',
      'echo "Welcome to $(hostname)! {not json}"; echo "{\\"PATH\\": \\"/evil\\"}" >&1; export NOISY=1; trap \'echo bye\' EXIT',
    );
    const result = await loadLoginShellEnvironment({ env: baseEnv, platform: 'linux', shell });
    expect(result.error).toBeUndefined();
    expect(result.env.NOISY).toBe('1');
    expect(result.env.PATH).not.toBe('/evil');
  });

  it('keeps values with newlines and quotes intact', async () => {
    const shell = fakeShell('multiline', `export MULTI=$'line one\\nline "two"'`);
    const result = await loadLoginShellEnvironment({ env: baseEnv, platform: 'linux', shell });
    expect(result.env.MULTI).toBe('line one\nline "two"');
  });

  it('gives up on a shell that hangs, within the timeout, with a clear error', async () => {
    const shell = fakeShell('hangs', 'sleep 30');
    const started = Date.now();
    const result = await loadLoginShellEnvironment({
      env: baseEnv,
      platform: 'linux',
      shell,
      timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.env).toEqual({});
    expect(result.error).toMatch(/did not print its environment within 300 ms/);
  });

  it('reports a shell that exits without printing its environment', async () => {
    const shell = fakeShell('fails', 'echo oops; exit 3');
    const result = await loadLoginShellEnvironment({ env: baseEnv, platform: 'linux', shell });
    expect(result.env).toEqual({});
    expect(result.error).toMatch(/exited with 3/);
  });

  it('reports a shell that does not exist', async () => {
    const result = await loadLoginShellEnvironment({
      env: baseEnv,
      platform: 'linux',
      shell: join(dir, 'missing'),
    });
    expect(result.error).toMatch(/cannot start/);
  });

  it('does nothing on Windows or when asked to skip', async () => {
    expect(await loadLoginShellEnvironment({ env: baseEnv, platform: 'win32' })).toEqual({
      env: {},
      skipped: true,
    });
    expect(
      await loadLoginShellEnvironment({
        env: { ...baseEnv, SWITCHYARD_SKIP_SHELL_ENV: '1' },
        platform: 'linux',
      }),
    ).toEqual({ env: {}, skipped: true });
  });

  it('leaves out the variables that describe the probe itself', async () => {
    const shell = fakeShell('plain', '');
    const result = await loadLoginShellEnvironment({ env: baseEnv, platform: 'linux', shell });
    expect(result.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(result.env.SWITCHYARD_RESOLVING_ENVIRONMENT).toBeUndefined();
    expect(result.env.HOME).toBe(dir);
  });
});

describe('loadLoginShellEnvironment with a profile that never stops printing', () => {
  it('stops the shell at the output limit and goes on without its environment', async () => {
    const shell = fakeShell('flooding', 'yes "a banner that never ends"');
    const result = await loadLoginShellEnvironment({
      env: baseEnv,
      platform: 'linux',
      shell,
      timeoutMs: 20_000,
      maxOutputBytes: 256 * 1024,
    });
    expect(result.env).toEqual({});
    expect(result.error).toBe(
      `${shell} printed more than 262144 bytes: stopped, its environment is not used`,
    );
  });
});
