import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn as nodeSpawn } from 'node:child_process';
import { basename } from 'node:path';
import { checkBearerToken, checkPem } from './credential-checks.ts';
import type { ExecPluginConfig, KubeconfigCluster } from './kubeconfig-types.ts';
import { sanitizedExcerpt } from './plugin-output-excerpt.ts';

/**
 * What a plugin may print before it is stopped: an ExecCredential is a few KiB (a certificate
 * pair a little more), so 1 MiB of stdout is generous; stderr is only read for its last lines.
 */
export const MAX_PLUGIN_STDOUT = 1024 * 1024;
export const MAX_PLUGIN_STDERR = 64 * 1024;

/** What a credential plugin printed (ExecCredential.status), the parts a request needs. */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch milliseconds; absent means "valid until the server says otherwise". */
  expiresAt?: number;
}

export class ExecPluginError extends Error {
  override name = 'ExecPluginError';
}

export interface ExecCredentialDependencies {
  /** The environment plugins run in: main's env merged with the login shell's (PATH for `aws`, `gcloud`). */
  env: () => Record<string, string | undefined>;
  timeoutMs?: number;
  /** Output limits (defaults MAX_PLUGIN_STDOUT / MAX_PLUGIN_STDERR); over one, the plugin is killed. */
  maxStdout?: number;
  maxStderr?: number;
  spawn?: (command: string, args: string[], options: SpawnOptions) => ChildProcess;
  now?: () => number;
}

export interface ExecCredentialProvider {
  /** A cached credential while it is valid, else runs the plugin (one run at a time per key). */
  get(key: string, exec: ExecPluginConfig, cluster: KubeconfigCluster): Promise<ExecCredential>;
  /** Forgets a credential, e.g. after the server answered 401 with it. */
  forget(key: string): void;
}

// client-go refreshes a little before expiry so a request never leaves with a dying token.
const EXPIRY_MARGIN_MS = 10_000;

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function execInfo(exec: ExecPluginConfig, cluster: KubeconfigCluster): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    const info: Record<string, unknown> = { server: cluster.server };
    if (cluster.certificateAuthorityData)
      info['certificate-authority-data'] = cluster.certificateAuthorityData;
    if (cluster.insecureSkipTlsVerify) info['insecure-skip-tls-verify'] = true;
    if (cluster.tlsServerName) info['tls-server-name'] = cluster.tlsServerName;
    if (cluster.proxyUrl) info['proxy-url'] = cluster.proxyUrl;
    spec.cluster = info;
  }
  return JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });
}

/** Reads the plugin's stdout; every failure names the plugin and what was wrong. */
export function parseExecCredential(name: string, stdout: string): ExecCredential {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    // A short excerpt, without control characters or anything that looks like a secret.
    const preview = sanitizedExcerpt(stdout, 80);
    throw new ExecPluginError(`exec plugin \`${name}\` printed something that is not JSON: "${preview}"`);
  }
  const status = (doc as { status?: unknown } | null)?.status;
  if (typeof status !== 'object' || status === null) {
    throw new ExecPluginError(`exec plugin \`${name}\` printed an ExecCredential without status`);
  }
  const s = status as Record<string, unknown>;
  const credential: ExecCredential = {};
  if (typeof s.token === 'string' && s.token !== '') credential.token = s.token;
  if (typeof s.clientCertificateData === 'string') credential.clientCertificateData = s.clientCertificateData;
  if (typeof s.clientKeyData === 'string') credential.clientKeyData = s.clientKeyData;
  if (!credential.token && !(credential.clientCertificateData && credential.clientKeyData)) {
    throw new ExecPluginError(
      `exec plugin \`${name}\` printed neither status.token nor status.clientCertificateData with clientKeyData`,
    );
  }
  try {
    const printed = (field: string) => `the status.${field} exec plugin \`${name}\` printed`;
    if (credential.token) checkBearerToken(credential.token, printed('token'));
    if (credential.clientCertificateData)
      checkPem(credential.clientCertificateData, 'certificate', printed('clientCertificateData'));
    if (credential.clientKeyData) checkPem(credential.clientKeyData, 'key', printed('clientKeyData'));
  } catch (err) {
    throw new ExecPluginError((err as Error).message);
  }
  if (typeof s.expirationTimestamp === 'string') {
    const at = Date.parse(s.expirationTimestamp);
    if (Number.isNaN(at)) {
      throw new ExecPluginError(
        `exec plugin \`${name}\` printed an unreadable status.expirationTimestamp "${sanitizedExcerpt(s.expirationTimestamp, 40)}"`,
      );
    }
    credential.expiresAt = at;
  }
  return credential;
}

function runPlugin(
  deps: ExecCredentialDependencies,
  exec: ExecPluginConfig,
  cluster: KubeconfigCluster,
): Promise<ExecCredential> {
  const name = basename(exec.command);
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const spawn = deps.spawn ?? nodeSpawn;
  const env: Record<string, string | undefined> = {
    ...deps.env(),
    KUBERNETES_EXEC_INFO: execInfo(exec, cluster),
  };
  for (const e of exec.env) env[e.name] = e.value;
  const limits = {
    stdout: deps.maxStdout ?? MAX_PLUGIN_STDOUT,
    stderr: deps.maxStderr ?? MAX_PLUGIN_STDERR,
  };
  return new Promise((resolvePromise, reject) => {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const size = { stdout: 0, stderr: 0 };
    let settled = false;
    const detached = process.platform !== 'win32';
    const finish = (err: Error | null, value?: ExecCredential) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else if (value) resolvePromise(value);
    };
    let child: ChildProcess;
    try {
      // stdin is closed: Switchyard has no terminal to answer a prompt (interactiveMode Never).
      child = spawn(exec.command, exec.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    } catch (err) {
      reject(new ExecPluginError(`exec plugin \`${name}\` could not start: ${(err as Error).message}`));
      return;
    }
    const kill = () => {
      // The plugin may have started children (a browser login, a python CLI): end the group.
      try {
        if (detached && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish(new ExecPluginError(`exec plugin \`${name}\` did not answer within ${seconds(timeoutMs)}`));
    }, timeoutMs);
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (settled) return;
      size[stream] += chunk.length;
      if (size[stream] > limits[stream]) {
        kill();
        finish(
          new ExecPluginError(
            `exec plugin \`${name}\` printed more than ${bytes(limits[stream])} on ${stream}: it was stopped (a credential is a few KiB)`,
          ),
        );
        return;
      }
      out[stream].push(chunk);
    };
    child.stdout?.on('data', collect('stdout'));
    child.stderr?.on('data', collect('stderr'));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        const hint = exec.installHint ? ` ${exec.installHint.trim()}` : '';
        finish(
          new ExecPluginError(
            `exec plugin \`${name}\` was not found (looked for "${exec.command}" on PATH).${hint}`,
          ),
        );
      } else finish(new ExecPluginError(`exec plugin \`${name}\` could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      const stdout = Buffer.concat(out.stdout).toString('utf8');
      const stderr = Buffer.concat(out.stderr).toString('utf8');
      if (code !== 0) {
        const why = sanitizedExcerpt(stderr.trim().split('\n').slice(-3).join(' '), 200);
        const how = signal ? `was ended by ${signal}` : `exited with ${code}`;
        finish(new ExecPluginError(`exec plugin \`${name}\` ${how}${why ? `: ${why}` : ''}`));
        return;
      }
      try {
        finish(null, parseExecCredential(name, stdout));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}

export function createExecCredentialProvider(deps: ExecCredentialDependencies): ExecCredentialProvider {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, ExecCredential>();
  const running = new Map<string, Promise<ExecCredential>>();
  return {
    get(key, exec, cluster) {
      const cached = cache.get(key);
      if (cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_MARGIN_MS > now())) {
        return Promise.resolve(cached);
      }
      const inFlight = running.get(key);
      if (inFlight) return inFlight;
      const run = runPlugin(deps, exec, cluster)
        .then((credential) => {
          cache.set(key, credential);
          return credential;
        })
        .finally(() => running.delete(key));
      running.set(key, run);
      return run;
    },
    forget(key) {
      cache.delete(key);
    },
  };
}
