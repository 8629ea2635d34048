import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningWebApp {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real `switchyard web` command (bin/switchyard.mjs) and waits for the line that
 * prints its URL. Used by the e2e setup and by the first-paint benchmark.
 */
export async function startWebApp(opts: {
  root: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
}): Promise<RunningWebApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-e2e-data-'));
  const child = spawn(
    process.execPath,
    [join(opts.root, 'bin/switchyard.mjs'), 'web', ...(opts.args ?? [])],
    {
      cwd: opts.root,
      env: {
        ...process.env,
        SWITCHYARD_DATA_DIR: dataDir,
        KUBECONFIG: join(dataDir, 'no-kubeconfig'),
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`switchyard web did not start in 60 s:\n${stderr}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/Switchyard is ready: (\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard web exited with ${code}:\n${stderr}`));
    });
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
