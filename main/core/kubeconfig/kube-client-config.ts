import { accessSync, constants } from 'node:fs';
import type { Cluster, KubeConfig, User } from '@kubernetes/client-node';
import type { ExecCredentialProvider } from './exec-credential-plugin.ts';
import type { ResolvedContext } from './kubeconfig-types.ts';
import type { NativeCredentialDependencies, RequestCredentials } from './request-credentials.ts';
import {
  checkPlanData,
  createNativeCredentials,
  credentialPlan,
  execCredentialKey,
} from './request-credentials.ts';

export type { RequestCredentials } from './request-credentials.ts';
export { execCredentialKey } from './request-credentials.ts';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

const EXEC_PROVIDER = 'switchyard-exec';

/**
 * A context's request credentials. Tokens, token files, certificates, basic auth, impersonation and
 * exec plugins are ours (request-credentials.ts) and never load client-node; a legacy auth-provider
 * (oidc, gcp, azure) or a proxy-url goes through client-node, imported only then.
 */
export async function contextCredentials(
  resolved: ResolvedContext,
  exec: ExecCredentialProvider,
  deps: NativeCredentialDependencies = {},
): Promise<RequestCredentials> {
  checkServerUrl(resolved);
  const plan = credentialPlan(resolved);
  if (plan.kind === 'native') {
    checkPlanData(plan, resolved);
    return createNativeCredentials(resolved, plan, exec, deps);
  }
  return kubeConfigCredentials(await buildKubeConfig(resolved, exec));
}

/**
 * The cluster's server must be an http(s) URL: otherwise every request failed with a bare
 * "Invalid URL", naming neither the server nor the cluster.
 */
function checkServerUrl({ cluster }: ResolvedContext): void {
  let url: URL | undefined;
  try {
    url = new URL(cluster.server);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'https:' || url?.protocol === 'http:') return;
  throw new Error(
    `cluster "${cluster.name}" has server "${cluster.server}", which is not an http(s) URL (e.g. https://host:6443)`,
  );
}

/** A client-node KubeConfig's current cluster and applyToHTTPSOptions, as request credentials. */
export function kubeConfigCredentials(
  kc: Pick<KubeConfig, 'getCurrentCluster' | 'applyToHTTPSOptions'>,
): RequestCredentials {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  return {
    server: cluster.server,
    apply: (opts) => kc.applyToHTTPSOptions(opts as Parameters<KubeConfig['applyToHTTPSOptions']>[0]),
  };
}

/**
 * client-node's own exec support has no timeout and runs plugins in main's bare environment; this
 * one runs them through the provider (login-shell env, a deadline, a clear error).
 */
function execAuthenticator(resolved: ResolvedContext, provider: ExecCredentialProvider): Authenticator {
  const { user, cluster } = resolved;
  const exec = user.exec;
  const key = execCredentialKey(resolved);
  return {
    isAuthProvider: (u: User) => u.authProvider?.name === EXEC_PROVIDER,
    async applyAuthentication(_u: User, opts) {
      if (!exec) return;
      const credential = await provider.get(key, exec, cluster);
      const o = opts as { headers?: Record<string, string>; cert?: string; key?: string };
      if (credential.clientCertificateData) o.cert = credential.clientCertificateData;
      if (credential.clientKeyData) o.key = credential.clientKeyData;
      if (credential.token) {
        o.headers ??= {};
        o.headers.Authorization = `Bearer ${credential.token}`;
      }
    },
  };
}

/**
 * A client-node KubeConfig holding exactly one context, built from the merged kubeconfig so that
 * paths are already absolute and the first-definition-wins rule is already applied. client-node is
 * loaded here, only for what contextCredentials does not do itself (its import costs ~0.9 s and,
 * on the first connect, event-loop stalls of 75-90 ms). request-credentials.ts mirrors what this
 * KubeConfig gives a request: change both together.
 */
export async function buildKubeConfig(
  resolved: ResolvedContext,
  exec: ExecCredentialProvider,
): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { context, cluster, user } = resolved;
  // client-node refuses http:// unless skipTLSVerify is set; over plain HTTP there is no TLS to verify.
  const plainHttp = cluster.server.startsWith('http:');
  const kcCluster: Cluster = {
    name: cluster.name,
    server: cluster.server,
    skipTLSVerify: cluster.insecureSkipTlsVerify || plainHttp,
    ...(cluster.certificateAuthorityData ? { caData: cluster.certificateAuthorityData } : {}),
    ...(cluster.certificateAuthority ? { caFile: cluster.certificateAuthority } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
  };
  let authProvider: User['authProvider'];
  if (user.exec) authProvider = { name: EXEC_PROVIDER, config: {} };
  else if (user.authProvider)
    authProvider = { name: user.authProvider.name, config: { ...user.authProvider.config } };
  // client-node's FileAuth re-reads the token file every minute, as client-go does.
  else if (user.tokenFile && !user.token)
    authProvider = { name: 'tokenFile', config: { tokenFile: user.tokenFile } };
  const kcUser: User = {
    name: user.name || 'anonymous',
    ...(user.token ? { token: user.token } : {}),
    ...(user.clientCertificateData ? { certData: user.clientCertificateData } : {}),
    ...(user.clientCertificate ? { certFile: user.clientCertificate } : {}),
    ...(user.clientKeyData ? { keyData: user.clientKeyData } : {}),
    ...(user.clientKey ? { keyFile: user.clientKey } : {}),
    ...(user.username ? { username: user.username, password: user.password ?? '' } : {}),
    ...(user.impersonate ? { impersonateUser: user.impersonate } : {}),
    ...(authProvider ? { authProvider } : {}),
  };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [kcCluster],
    users: [kcUser],
    contexts: [
      {
        name: context.name,
        cluster: cluster.name,
        user: kcUser.name,
        ...(context.namespace ? { namespace: context.namespace } : {}),
      },
    ],
    currentContext: context.name,
  });
  if (user.exec) kc.addAuthenticator(execAuthenticator(resolved, exec));
  return kc;
}

/**
 * Certificate files are read on every request (and the token file once a minute), failing with a bare ENOENT;
 * checking them when the session opens names the field and the kubeconfig that points there.
 */
export function missingCredentialFiles(resolved: ResolvedContext, canRead = defaultCanRead): string | null {
  const { cluster, user } = resolved;
  const checks: Array<[string, string | undefined, string]> = [
    ['certificate-authority', cluster.certificateAuthority, `cluster "${cluster.name}"`],
    ['client-certificate', user.clientCertificate, `user "${user.name}"`],
    ['client-key', user.clientKey, `user "${user.name}"`],
    ['token-file', user.tokenFile, `user "${user.name}"`],
  ];
  for (const [field, path, owner] of checks) {
    if (path !== undefined && !canRead(path)) {
      const file = field === 'certificate-authority' ? cluster.file : user.file;
      return `cannot read ${field} ${path} (${owner} in ${file})`;
    }
  }
  return null;
}

function defaultCanRead(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
