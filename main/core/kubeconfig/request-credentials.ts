// A context's credentials as request options (server, TLS, Authorization, basic auth, impersonation)
// without @kubernetes/client-node: loading its ~940 generated modules on the first connect stalled
// main's event loop for 75-90 ms. The options are the ones client-node 1.4's applyToHTTPSOptions
// gave for the KubeConfig buildKubeConfig makes (kube-client-config.ts), field by field, so the
// pooled agents (kube-http-agents.ts) see the same TLS identity. Legacy auth-provider users and
// proxy-url clusters still go through client-node (credentialPlan says why), loaded only then.

import { Agent as HttpAgent } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { Agent as HttpsAgent } from 'node:https';
import { MiB, readBoundedBytesSync } from '../local-files/bounded-read.ts';
import type { PemRole } from './credential-checks.ts';
import { checkBearerToken, checkPem } from './credential-checks.ts';
import type { ExecCredential, ExecCredentialProvider } from './exec-credential-plugin.ts';
import type { ExecPluginConfig, ResolvedContext } from './kubeconfig-types.ts';

/** What a request needs from the credentials: its headers, basic auth (`user:password`) and agent. */
export interface CredentialedRequest {
  headers: Record<string, string | string[] | number | undefined>;
  auth?: string;
  agent?: HttpAgent;
}

/** One context's credentials, applied to each request (files and exec credentials are read then). */
export interface RequestCredentials {
  /** The server URL as the kubeconfig writes it. */
  readonly server: string;
  apply(opts: CredentialedRequest): Promise<void>;
}

/** The cache key of a context's exec credential: forget it after a 401 so the plugin runs again. */
export function execCredentialKey(resolved: ResolvedContext): string {
  return `${resolved.user.file}\u0000${resolved.user.name}\u0000${resolved.cluster.server}`;
}

/** A certificate or key: a file read on each request (a renewed one is picked up), or base64 data. */
export type CredentialSource = { readonly file: string } | { readonly data: string };

/** Everything a context yields for its requests, before any file is read or plugin run. */
export interface NativeCredentialPlan {
  readonly kind: 'native';
  readonly server: string;
  /** A plain http:// server gets an http.Agent (there is no TLS to verify); any other an https one. */
  readonly transport: 'http' | 'https';
  /** insecure-skip-tls-verify, or a plain http:// server. */
  readonly rejectUnauthorized?: false;
  /** tls-server-name. */
  readonly servername?: string;
  readonly ca?: CredentialSource;
  readonly cert?: CredentialSource;
  readonly key?: CredentialSource;
  /** `as`: the Impersonate-User header. */
  readonly impersonateUser?: string;
  /** Runs through our ExecCredentialProvider: its certificate and key replace cert/key, its token is the bearer. */
  readonly exec?: ExecPluginConfig;
  /** Read again once a minute, as client-go does; only when there is neither a token nor an exec plugin. */
  readonly tokenFile?: string;
  /** The static token: the bearer, over an exec plugin's or a token file's. */
  readonly token?: string;
  /** Sent as basic auth unless a bearer token is (Node sends `auth` only without an Authorization header). */
  readonly basic?: { readonly username: string; readonly password: string };
}

/** A context whose credentials still need client-node. */
export interface ClientNodeCredentialPlan {
  readonly kind: 'client-node';
  readonly reason: 'auth-provider' | 'proxy-url';
}

export type CredentialPlan = NativeCredentialPlan | ClientNodeCredentialPlan;

/**
 * Which request options a context yields (pure). The truthiness checks are buildKubeConfig's and
 * client-node's: an empty string counts as absent, a file wins over its data.
 */
export function credentialPlan(resolved: ResolvedContext): CredentialPlan {
  const { cluster, user } = resolved;
  // client-node's OIDC/GCP/Azure authenticators (and any unknown provider, which it ignores).
  if (user.authProvider && !user.exec) return { kind: 'client-node', reason: 'auth-provider' };
  // Its proxy agents (hpagent, socks-proxy-agent) come with it.
  if (cluster.proxyUrl) return { kind: 'client-node', reason: 'proxy-url' };
  const plainHttp = cluster.server.startsWith('http:');
  const source = (file: string | undefined, data: string | undefined): CredentialSource | undefined =>
    file ? { file } : data ? { data } : undefined;
  const ca = source(cluster.certificateAuthority, cluster.certificateAuthorityData);
  const cert = source(user.clientCertificate, user.clientCertificateData);
  const key = source(user.clientKey, user.clientKeyData);
  return {
    kind: 'native',
    server: cluster.server,
    transport: plainHttp ? 'http' : 'https',
    ...(cluster.insecureSkipTlsVerify || plainHttp ? { rejectUnauthorized: false as const } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(user.impersonate ? { impersonateUser: user.impersonate } : {}),
    ...(user.exec ? { exec: user.exec } : {}),
    ...(user.tokenFile && !user.token && !user.exec ? { tokenFile: user.tokenFile } : {}),
    ...(user.token ? { token: user.token } : {}),
    ...(user.username ? { basic: { username: user.username, password: user.password ?? '' } } : {}),
  };
}

const FIELD_OF: Record<PemRole, string> = {
  'certificate-authority': 'certificate-authority',
  certificate: 'client-certificate',
  key: 'client-key',
};

/** `client-key-data of user "alice"`, `certificate-authority file /etc/ca.pem (cluster "prod")`. */
export function sourceName(s: CredentialSource, role: PemRole, resolved: ResolvedContext): string {
  const owner =
    role === 'certificate-authority' ? `cluster "${resolved.cluster.name}"` : `user "${resolved.user.name}"`;
  return 'file' in s ? `${FIELD_OF[role]} file ${s.file} (${owner})` : `${FIELD_OF[role]}-data of ${owner}`;
}

/**
 * Throws, naming the field and its owner, when the plan's certificate data or static token cannot
 * be used (checked once, at connect; files are checked as they are read: a renewed one may be fixed).
 */
export function checkPlanData(plan: NativeCredentialPlan, resolved: ResolvedContext): void {
  for (const [s, role] of [
    [plan.ca, 'certificate-authority'],
    [plan.cert, 'certificate'],
    [plan.key, 'key'],
  ] as const)
    if (s && 'data' in s) checkPem(Buffer.from(s.data, 'base64'), role, sourceName(s, role, resolved));
  if (plan.token) checkBearerToken(plan.token, `the token of user "${resolved.user.name}"`);
}

/** The TLS options of a request's agent (what kube-http-agents keys its pool on). */
export interface CredentialTlsOptions {
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: false;
  servername?: string;
}

/** What is read or obtained per request: file contents, the exec plugin's credential, the token file's token. */
export interface CredentialInputs {
  readFile: (path: string) => Buffer;
  execCredential?: ExecCredential;
  fileToken?: string;
}

/**
 * The options one request gets from a plan (pure, given what was read): client-node's order, TLS
 * first (insecure, server name, CA, certificate, key, Impersonate-User), then the Authorization of
 * the exec plugin or token file, then the static token over it, then basic auth.
 */
export function requestOptionsOf(
  plan: NativeCredentialPlan,
  inputs: CredentialInputs,
): { tls: CredentialTlsOptions; headers: Record<string, string>; auth?: string } {
  const read = (s: CredentialSource): Buffer =>
    'file' in s ? inputs.readFile(s.file) : Buffer.from(s.data, 'base64');
  const tls: CredentialTlsOptions = {};
  const headers: Record<string, string> = {};
  if (plan.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  if (plan.servername) tls.servername = plan.servername;
  if (plan.ca) tls.ca = read(plan.ca);
  if (plan.cert) tls.cert = read(plan.cert);
  if (plan.key) tls.key = read(plan.key);
  if (plan.impersonateUser !== undefined) headers['Impersonate-User'] = plan.impersonateUser;
  const credential = inputs.execCredential;
  if (credential?.clientCertificateData) tls.cert = credential.clientCertificateData;
  if (credential?.clientKeyData) tls.key = credential.clientKeyData;
  if (credential?.token) headers.Authorization = `Bearer ${credential.token}`;
  if (inputs.fileToken) headers.Authorization = `Bearer ${inputs.fileToken}`;
  if (plan.token) headers.Authorization = `Bearer ${plan.token}`;
  return {
    tls,
    headers,
    ...(plan.basic ? { auth: `${plan.basic.username}:${plan.basic.password}` } : {}),
  };
}

/** client-go (and client-node's FileAuth) read a token file again when the last read is older than this. */
export const TOKEN_FILE_REREAD_MS = 60_000;

export interface NativeCredentialDependencies {
  readFile?: (path: string) => Buffer;
  now?: () => number;
}

/**
 * The largest CA, certificate, key or token file read (a CA bundle of every public root is ~250
 * KiB). A kubeconfig may name any path: a named pipe would block the process on its first request,
 * and a file of gigabytes would be read whole, so both are refused with the path named.
 */
export const CREDENTIAL_FILE_MAX_BYTES = 4 * MiB;

function readCredentialFile(path: string): Buffer {
  return readBoundedBytesSync(path, CREDENTIAL_FILE_MAX_BYTES);
}

/** Credentials for a native plan: files read per request, the token file once a minute, exec through the provider. */
export function createNativeCredentials(
  resolved: ResolvedContext,
  plan: NativeCredentialPlan,
  exec: ExecCredentialProvider,
  deps: NativeCredentialDependencies = {},
): RequestCredentials {
  const readFile = deps.readFile ?? readCredentialFile;
  const now = deps.now ?? Date.now;
  const execKey = execCredentialKey(resolved);
  const pemSources = [
    [plan.ca, 'certificate-authority'],
    [plan.cert, 'certificate'],
    [plan.key, 'key'],
  ] as const;
  let fileToken: { token: string; readAt: number } | undefined;
  const tokenFromFile = (path: string): string => {
    const t = now();
    if (!fileToken || t - fileToken.readAt > TOKEN_FILE_REREAD_MS) {
      // client-go trims it; a newline left in would make the header invalid (client-node fails there).
      const token = readFile(path).toString('utf8').trim();
      checkBearerToken(token, `token file ${path} (user "${resolved.user.name}")`);
      fileToken = { token, readAt: t };
    }
    return fileToken.token;
  };
  return {
    server: plan.server,
    async apply(opts) {
      // Read in client-node's order, so a missing file fails the same way: CA, certificate, key,
      // then the exec plugin, then the token file.
      const files = new Map<string, Buffer>();
      for (const [s, role] of pemSources) {
        if (!s || !('file' in s)) continue;
        const bytes = files.get(s.file) ?? readFile(s.file);
        files.set(s.file, bytes);
        checkPem(bytes, role, sourceName(s, role, resolved));
      }
      const execCredential = plan.exec ? await exec.get(execKey, plan.exec, resolved.cluster) : undefined;
      const fileToken = plan.tokenFile ? tokenFromFile(plan.tokenFile) : undefined;
      const { tls, headers, auth } = requestOptionsOf(plan, {
        readFile: (path) => files.get(path) ?? readFile(path),
        ...(execCredential ? { execCredential } : {}),
        ...(fileToken !== undefined ? { fileToken } : {}),
      });
      Object.assign(opts.headers, headers);
      if (auth !== undefined) opts.auth = auth;
      // Like client-node, a plain http:// agent is given the TLS options too (it ignores them).
      const agentOptions: HttpsAgentOptions = tls;
      opts.agent = plan.transport === 'http' ? new HttpAgent(agentOptions) : new HttpsAgent(agentOptions);
    },
  };
}
