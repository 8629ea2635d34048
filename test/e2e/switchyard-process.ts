import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SwitchyardProcess {
  process: ChildProcess;
  /** The first capture group of `ready` in what the command printed. */
  readyValue: string;
  /** What the command has printed on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Runs a `switchyard` command (bin/switchyard.mjs) and waits until it prints a line matching
 * `ready`; its stderr is quoted when it exits or takes over 60 s instead.
 */
export async function spawnSwitchyard(opts: {
  root: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  ready: RegExp;
}): Promise<SwitchyardProcess> {
  const name = `switchyard ${opts.args[0] ?? ''}`;
  const child = spawn(process.execPath, [join(opts.root, 'bin/switchyard.mjs'), ...opts.args], {
    cwd: opts.root,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const readyValue = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = out.match(opts.ready);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${stderr}`));
    });
  });
  return {
    process: child,
    readyValue,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
