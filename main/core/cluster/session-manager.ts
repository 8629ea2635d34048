import type { ContextList, ContextSummary } from '../../../shared/api/contract.ts';
import type { ExecCredentialProvider } from '../kubeconfig/exec-credential-plugin.ts';
import { createExecCredentialProvider } from '../kubeconfig/exec-credential-plugin.ts';
import type { KubeconfigLoader, KubeconfigSnapshot } from '../kubeconfig/kubeconfig-loader.ts';
import { contextIdOf } from '../kubeconfig/kubeconfig-loader.ts';
import type { KubeconfigWatcher } from '../kubeconfig/kubeconfig-watcher.ts';
import { createKubeconfigWatcher } from '../kubeconfig/kubeconfig-watcher.ts';
import type { Clock } from './clock.ts';
import type {
  ClusterSession,
  ClusterSessionDependencies,
  SessionInfo,
  SessionSettings,
} from './cluster-session.ts';
import { createClusterSession } from './cluster-session.ts';
import type { RecentContext } from './recent-contexts-store.ts';
import { createRecentContextsStore } from './recent-contexts-store.ts';
import type { ReadReleases } from './release-index.ts';

export interface SessionManagerDependencies {
  loader: KubeconfigLoader;
  clock: Clock;
  /** Where the recent-contexts list is kept. */
  dataDir: string;
  /** The environment exec plugins run in (main's env merged with the login shell's). */
  execEnv: () => Record<string, string | undefined>;
  execTimeoutMs?: number;
  settings?: (contextName: string) => SessionSettings | Promise<SessionSettings>;
  readReleases: ReadReleases;
  recentLimit?: number;
  /** Follow kubeconfig files and reload when one changes (off in most tests). */
  watchKubeconfigs?: boolean;
  watchDebounceMs?: number;
  session?: Partial<Pick<ClusterSessionDependencies, 'requestTimeoutMs' | 'cache'>>;
  /** Replaces the real session, for tests of the manager alone. */
  createSession?: (deps: ClusterSessionDependencies) => ClusterSession;
}

export interface SessionManager {
  /** Every context with its live status; contacts no cluster. */
  listContexts(): Promise<ContextList>;
  /** Opens (or returns the already open) session of a context; never rejects, see status. */
  open(contextName: string): Promise<SessionInfo>;
  close(contextName: string): Promise<void>;
  session(contextName: string): ClusterSession | undefined;
  /** Makes an open session the current one: no request, the cache is already there. */
  select(contextName: string): SessionInfo;
  active(): ClusterSession | undefined;
  /** Opens the recently used contexts (at start), most recent first; the first becomes active. */
  reopenRecent(): Promise<SessionInfo[]>;
  /** Re-reads the kubeconfig files (also done by the watcher). */
  reload(): Promise<ContextList>;
  onContextsChanged(listener: (list: ContextList) => void): () => void;
  onSessionChanged(listener: (info: SessionInfo) => void): () => void;
  dispose(): Promise<void>;
}

/** `kube:prod` → `prod`; the contract speaks in ids, the manager in context names. */
export function contextNameOf(id: string): string {
  return id.startsWith('kube:') ? id.slice('kube:'.length) : id;
}

/** The contexts of the kubeconfig files, with the status of the open ones and when each was last used. */
function summarize(
  s: KubeconfigSnapshot,
  recents: RecentContext[],
  sessions: ReadonlyMap<string, ClusterSession>,
): ContextList {
  const lastUsed = new Map(recents.map((r) => [r.name, r.lastUsed]));
  const contexts = s.contexts.map((c): ContextSummary => {
    const out: ContextSummary = { ...c };
    const session = sessions.get(c.name);
    if (session) {
      const info = session.info();
      out.status = info.status;
      if (info.statusReason) out.statusReason = info.statusReason;
      else delete out.statusReason;
    }
    const used = lastUsed.get(c.name);
    if (used) out.lastUsed = used;
    return out;
  });
  return { contexts, problems: s.problems };
}

export function createSessionManager(deps: SessionManagerDependencies): SessionManager {
  const recent = createRecentContextsStore(deps.dataDir, deps.recentLimit ?? 5);
  const exec: ExecCredentialProvider = createExecCredentialProvider({
    env: deps.execEnv,
    timeoutMs: deps.execTimeoutMs ?? 10_000,
    now: () => deps.clock.now(),
  });
  const sessions = new Map<string, ClusterSession>();
  const contextListeners = new Set<(l: ContextList) => void>();
  const sessionListeners = new Set<(i: SessionInfo) => void>();
  let snapshot: KubeconfigSnapshot | undefined;
  let loading: Promise<KubeconfigSnapshot> | undefined;
  let recentList: RecentContext[] | undefined;
  let activeName: string | undefined;
  let watcher: KubeconfigWatcher | undefined;

  async function load(force = false): Promise<KubeconfigSnapshot> {
    if (snapshot && !force) return snapshot;
    loading ??= deps.loader.load().finally(() => {
      loading = undefined;
    });
    snapshot = await loading;
    return snapshot;
  }

  async function recentContexts(): Promise<RecentContext[]> {
    recentList ??= await recent.read();
    return recentList;
  }

  async function emitContexts() {
    if (contextListeners.size === 0) return;
    const list = summarize(await load(), await recentContexts(), sessions);
    for (const l of contextListeners) l(list);
  }

  function sessionFor(name: string): ClusterSession {
    let session = sessions.get(name);
    if (session) return session;
    const create = deps.createSession ?? createClusterSession;
    session = create({
      contextName: name,
      resolve: () =>
        snapshot?.resolve(name) ?? { ok: false, reason: 'the kubeconfig files are not loaded yet' },
      exec,
      clock: deps.clock,
      settings: () => deps.settings?.(name) ?? {},
      readReleases: deps.readReleases,
      ...deps.session,
    });
    session.onInfo((info) => {
      for (const l of sessionListeners) l(info);
      void emitContexts();
    });
    sessions.set(name, session);
    return session;
  }

  const manager: SessionManager = {
    async listContexts() {
      return summarize(await load(), await recentContexts(), sessions);
    },
    async open(name) {
      await load();
      const session = sessionFor(name);
      activeName = name;
      recentList = await recent.touch(name, new Date(deps.clock.now())).catch(() => recentList ?? []);
      return session.open();
    },
    async close(name) {
      const session = sessions.get(name);
      if (!session) return;
      sessions.delete(name);
      if (activeName === name) activeName = undefined;
      await session.close();
      recentList = await recent.remove(name).catch(() => recentList ?? []);
      await emitContexts();
    },
    session: (name) => sessions.get(name),
    select(name) {
      const session = sessions.get(name);
      if (!session) throw new Error(`context "${name}" is not open; open it first`);
      activeName = name;
      return session.info();
    },
    active: () => (activeName === undefined ? undefined : sessions.get(activeName)),
    async reopenRecent() {
      const s = await load();
      const names = (await recentContexts()).map((r) => r.name).filter((n) => s.merged.contexts.has(n));
      const infos = await Promise.all(names.map((n) => sessionFor(n).open()));
      if (names[0] !== undefined) activeName = names[0];
      return infos;
    },
    async reload() {
      const s = await load(true);
      watcher?.rearm();
      // A context that vanished from every file cannot stay open: its credentials are gone.
      for (const name of [...sessions.keys()]) {
        if (!s.merged.contexts.has(name)) {
          const session = sessions.get(name);
          sessions.delete(name);
          if (activeName === name) activeName = undefined;
          await session?.close();
        }
      }
      const list = summarize(s, await recentContexts(), sessions);
      for (const l of contextListeners) l(list);
      return list;
    },
    onContextsChanged(listener) {
      contextListeners.add(listener);
      return () => contextListeners.delete(listener);
    },
    onSessionChanged(listener) {
      sessionListeners.add(listener);
      return () => sessionListeners.delete(listener);
    },
    async dispose() {
      watcher?.close();
      watcher = undefined;
      await Promise.all([...sessions.values()].map((s) => s.close()));
      sessions.clear();
      contextListeners.clear();
      sessionListeners.clear();
    },
  };

  if (deps.watchKubeconfigs) {
    watcher = createKubeconfigWatcher({
      paths: () => deps.loader.sources().map((s) => s.path),
      onChange: () => void manager.reload().catch(() => undefined),
      debounceMs: deps.watchDebounceMs ?? 300,
    });
  }
  return manager;
}

export { contextIdOf };
