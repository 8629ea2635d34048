import { dirname, isAbsolute, join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { expandedSizeWithin, MAX_YAML_EXPANDED_NODES } from '../../../shared/mesh/plan/index.ts';
import type {
  ExecEnvVar,
  ExecPluginConfig,
  KubeconfigCluster,
  KubeconfigContext,
  KubeconfigUser,
  ParsedKubeconfigFile,
} from './kubeconfig-types.ts';

/** The whole file cannot be used (not YAML, not a mapping): reported on its own, other files still load. */
export class KubeconfigFileError extends Error {
  override name = 'KubeconfigFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * kubectl resolves these paths against the folder of the file that names them, not the working
 * directory: a kubeconfig copied with its certificates keeps working.
 */
export function resolveKubeconfigPath(file: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return isAbsolute(value) ? value : join(dirname(file), value);
}

/** An exec command is a path only when it holds a separator; `aws` stays a PATH lookup. */
function resolveExecCommand(file: string, command: string): string {
  if (isAbsolute(command) || !/[\\/]/.test(command)) return command;
  return join(dirname(file), command);
}

function entries(doc: Mapping, key: string, problems: string[]): Mapping[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${key} is not a list`);
    return [];
  }
  return value.map((e, i) => {
    if (isMapping(e)) return e;
    problems.push(`${key}[${i}] is not a mapping`);
    return {};
  });
}

function named(entry: Mapping, key: string, i: number, problems: string[]): string | undefined {
  const name = str(entry.name);
  if (name === undefined && Object.keys(entry).length > 0) problems.push(`${key}[${i}] has no name`);
  return name;
}

function readCluster(file: string, entry: Mapping, i: number, problems: string[]): KubeconfigCluster | null {
  const name = named(entry, 'clusters', i, problems);
  if (name === undefined) return null;
  const c = entry.cluster;
  if (!isMapping(c)) {
    problems.push(`cluster "${name}" (clusters[${i}]) has no cluster section`);
    return null;
  }
  const server = str(c.server);
  if (server === undefined) {
    problems.push(`cluster "${name}" (clusters[${i}]) has no server`);
    return null;
  }
  const cluster: KubeconfigCluster = {
    name,
    server: server.replace(/\/+$/, ''),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true || c['insecure-skip-tls-verify'] === 'true',
    file,
  };
  const ca = resolveKubeconfigPath(file, str(c['certificate-authority']));
  if (ca) cluster.certificateAuthority = ca;
  const caData = str(c['certificate-authority-data']);
  if (caData) cluster.certificateAuthorityData = caData;
  const tlsServerName = str(c['tls-server-name']);
  if (tlsServerName) cluster.tlsServerName = tlsServerName;
  const proxyUrl = str(c['proxy-url']);
  if (proxyUrl) cluster.proxyUrl = proxyUrl;
  return cluster;
}

function readExec(
  file: string,
  userName: string,
  exec: unknown,
  problems: string[],
): ExecPluginConfig | undefined {
  if (exec === undefined || exec === null) return undefined;
  if (!isMapping(exec)) {
    problems.push(`user "${userName}": exec is not a mapping`);
    return undefined;
  }
  const command = str(exec.command);
  if (command === undefined) {
    problems.push(`user "${userName}": exec has no command`);
    return undefined;
  }
  const args = Array.isArray(exec.args) ? exec.args.map((a) => String(a)) : [];
  const env: ExecEnvVar[] = [];
  if (Array.isArray(exec.env)) {
    for (const e of exec.env) {
      if (isMapping(e) && str(e.name)) env.push({ name: String(e.name), value: str(e.value) ?? '' });
    }
  }
  const config: ExecPluginConfig = {
    apiVersion: str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1beta1',
    command: resolveExecCommand(file, command),
    args,
    env,
    provideClusterInfo: exec.provideClusterInfo === true,
  };
  const interactiveMode = str(exec.interactiveMode);
  if (interactiveMode) config.interactiveMode = interactiveMode;
  const installHint = str(exec.installHint);
  if (installHint) config.installHint = installHint;
  return config;
}

function readUser(file: string, entry: Mapping, i: number, problems: string[]): KubeconfigUser | null {
  const name = named(entry, 'users', i, problems);
  if (name === undefined) return null;
  // A user without credentials is legal (anonymous, or a proxy that authenticates).
  const u = isMapping(entry.user) ? entry.user : {};
  const user: KubeconfigUser = { name, file };
  const set = <K extends keyof KubeconfigUser>(key: K, value: KubeconfigUser[K] | undefined) => {
    if (value !== undefined) user[key] = value;
  };
  set('token', str(u.token));
  set('tokenFile', resolveKubeconfigPath(file, str(u['token-file'])));
  set('clientCertificate', resolveKubeconfigPath(file, str(u['client-certificate'])));
  set('clientCertificateData', str(u['client-certificate-data']));
  set('clientKey', resolveKubeconfigPath(file, str(u['client-key'])));
  set('clientKeyData', str(u['client-key-data']));
  set('username', str(u.username));
  set('password', str(u.password));
  set('impersonate', str(u.as));
  set('exec', readExec(file, name, u.exec, problems));
  const provider = u['auth-provider'];
  if (isMapping(provider) && str(provider.name)) {
    const config: Record<string, string> = {};
    if (isMapping(provider.config)) {
      for (const [k, v] of Object.entries(provider.config)) {
        const s = str(v);
        if (s !== undefined) config[k] = s;
      }
    }
    user.authProvider = { name: String(provider.name), config };
  }
  return user;
}

function readContext(file: string, entry: Mapping, i: number, problems: string[]): KubeconfigContext | null {
  const name = named(entry, 'contexts', i, problems);
  if (name === undefined) return null;
  const c = isMapping(entry.context) ? entry.context : {};
  // Listed even without a cluster: the operator sees the context and why it cannot open.
  const context: KubeconfigContext = { name, cluster: str(c.cluster) ?? '', user: str(c.user) ?? '', file };
  const namespace = str(c.namespace);
  if (namespace) context.namespace = namespace;
  return context;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/**
 * Parses one kubeconfig file. Throws KubeconfigFileError when the file as a whole is unusable;
 * a broken entry is skipped and described in `problems` so the rest of the file still loads.
 */
export function parseKubeconfigFile(file: string, text: string): ParsedKubeconfigFile {
  let doc: unknown;
  try {
    // js-yaml (what client-node uses too): 5-30x faster than the yaml package on a cold start, which is when the
    // context list is read. `json: true` lets a repeated key win, as kubectl's decoder does.
    doc = loadYaml(text, { json: true });
  } catch (err) {
    const message = (err as Error).message;
    // loadYaml's word for a document that is empty or only comments: no contexts, not a problem.
    if (message !== 'Failed to load YAML') {
      throw new KubeconfigFileError(file, `not a valid kubeconfig: ${firstLine(message)}`);
    }
    doc = {};
  }
  if (doc === null || doc === undefined) doc = {};
  // js-yaml shares aliased nodes rather than copying them; walking the value as if copied bounds
  // what a "billion laughs" file would cost anything that copies or serializes it later.
  if (!expandedSizeWithin(doc))
    throw new KubeconfigFileError(
      file,
      `not a valid kubeconfig: its aliases expand to over ${MAX_YAML_EXPANDED_NODES.toLocaleString('en')} values (a "billion laughs" file?)`,
    );
  if (!isMapping(doc))
    throw new KubeconfigFileError(file, 'not a valid kubeconfig: the file is not a YAML mapping');
  const kind = str(doc.kind);
  if (kind !== undefined && kind !== 'Config') {
    throw new KubeconfigFileError(file, `not a valid kubeconfig: kind is "${kind}", expected "Config"`);
  }
  const problems: string[] = [];
  const clusters = entries(doc, 'clusters', problems)
    .map((e, i) => readCluster(file, e, i, problems))
    .filter((c) => c !== null);
  const users = entries(doc, 'users', problems)
    .map((e, i) => readUser(file, e, i, problems))
    .filter((u) => u !== null);
  const contexts = entries(doc, 'contexts', problems)
    .map((e, i) => readContext(file, e, i, problems))
    .filter((c) => c !== null);
  const parsed: ParsedKubeconfigFile = { file, clusters, users, contexts, problems };
  const current = str(doc['current-context']);
  if (current) parsed.currentContext = current;
  return parsed;
}
