import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parse } from 'yaml';
import { spawnSwitchyard } from './switchyard-process.ts';

/** `switchyard demo` in its own process: a cluster the app reaches only through a kubeconfig. */
export interface StandaloneDemo {
  url: string;
  kubeconfigPath: string;
  process: ChildProcess;
  /** A request as the demo's admin, behind the app's back (what kubectl would send). */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the demo mesh over plain HTTP on a fixed port and kubeconfig path, so stopping it and
 * starting it again looks to the app like a cluster that went away and came back.
 */
export async function startStandaloneDemo(opts: {
  root: string;
  port: number;
  kubeconfigPath: string;
}): Promise<StandaloneDemo> {
  const demo = await spawnSwitchyard({
    root: opts.root,
    args: ['demo', '--http', '--port', String(opts.port), '--kubeconfig', opts.kubeconfigPath],
    ready: /demo mesh ready: (\S+)/,
  });
  const url = demo.readyValue;
  const config = parse(readFileSync(opts.kubeconfigPath, 'utf8')) as {
    users: Array<{ name: string; user: { token: string } }>;
  };
  const token = config.users.find((u) => u.name === 'demo-admin')?.user.token;
  if (!token) throw new Error(`no demo-admin token in ${opts.kubeconfigPath}`);
  return {
    url,
    kubeconfigPath: opts.kubeconfigPath,
    process: demo.process,
    request: (method, path, body, contentType = 'application/json') =>
      fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    stop: demo.stop,
  };
}
