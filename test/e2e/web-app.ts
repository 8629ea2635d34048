import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSwitchyard } from './switchyard-process.ts';

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
  const web = await spawnSwitchyard({
    root: opts.root,
    args: ['web', ...(opts.args ?? [])],
    env: {
      ...process.env,
      SWITCHYARD_DATA_DIR: dataDir,
      KUBECONFIG: join(dataDir, 'no-kubeconfig'),
      ...opts.env,
    },
    ready: /Switchyard is ready: (\S+)/,
  });
  return { url: web.readyValue, process: web.process, stop: web.stop };
}
