import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

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
  const child = spawn(
    process.execPath,
    [
      join(opts.root, 'bin/switchyard.mjs'),
      'demo',
      '--http',
      '--port',
      String(opts.port),
      '--kubeconfig',
      opts.kubeconfigPath,
    ],
    { cwd: opts.root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`switchyard demo did not start in 60 s:\n${stderr}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/demo mesh ready: (\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard demo exited with ${code}:\n${stderr}`));
    });
  });
  const config = parse(readFileSync(opts.kubeconfigPath, 'utf8')) as {
    users: Array<{ name: string; user: { token: string } }>;
  };
  const token = config.users.find((u) => u.name === 'demo-admin')?.user.token;
  if (!token) throw new Error(`no demo-admin token in ${opts.kubeconfigPath}`);
  return {
    url,
    kubeconfigPath: opts.kubeconfigPath,
    process: child,
    request: (method, path, body, contentType = 'application/json') =>
      fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
