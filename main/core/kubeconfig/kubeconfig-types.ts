// The parts of a kubeconfig Switchyard understands, after parsing and path resolution. These hold
// credentials and stay in main: the renderer sees only ContextSummary (names and statuses).

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** A client-go credential plugin (`users[].user.exec`). */
export interface ExecPluginConfig {
  apiVersion: string;
  /** As written, or made absolute when it is a relative path with a separator (as kubectl does). */
  command: string;
  args: string[];
  env: ExecEnvVar[];
  provideClusterInfo: boolean;
  interactiveMode?: string;
  installHint?: string;
}

export interface KubeconfigCluster {
  name: string;
  server: string;
  /** Absolute path (relative paths resolved against the kubeconfig file's folder). */
  certificateAuthority?: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** The file this entry came from. */
  file: string;
}

export interface KubeconfigUser {
  name: string;
  token?: string;
  /** Absolute path of `token-file`. */
  tokenFile?: string;
  /** Absolute path of `client-certificate`. */
  clientCertificate?: string;
  clientCertificateData?: string;
  /** Absolute path of `client-key`. */
  clientKey?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  exec?: ExecPluginConfig;
  /** Legacy `auth-provider` (oidc, gcp, azure): handed to client-node as written. */
  authProvider?: { name: string; config: Record<string, string> };
  impersonate?: string;
  file: string;
}

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  file: string;
}

/** One file, parsed on its own; entries that could not be read are reported in `problems`. */
export interface ParsedKubeconfigFile {
  file: string;
  clusters: KubeconfigCluster[];
  users: KubeconfigUser[];
  contexts: KubeconfigContext[];
  currentContext?: string;
  problems: string[];
}

/** Everything needed to talk to one context's cluster. */
export interface ResolvedContext {
  context: KubeconfigContext;
  cluster: KubeconfigCluster;
  user: KubeconfigUser;
}
