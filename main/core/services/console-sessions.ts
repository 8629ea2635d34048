import { dirname, join } from 'node:path';
import type { ContextList, ContextSummary, KubeconfigProblem } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import type { Clock } from '../cluster/clock.ts';
import { systemClock } from '../cluster/clock.ts';
import type { ClusterSession, SessionInfo, SessionSettings } from '../cluster/cluster-session.ts';
import type { SessionManager, SessionManagerDependencies } from '../cluster/session-manager.ts';
import { createSessionManager } from '../cluster/session-manager.ts';
import { createKubeconfigLoader } from '../kubeconfig/kubeconfig-loader.ts';
import type { NamespaceSettingsStore } from './namespace-settings-store.ts';
import { createNamespaceSettingsStore } from './namespace-settings-store.ts';

// Two session managers: the operator's kubeconfig, and the embedded demo mesh's own kubeconfig.
// Keeping the demo apart means it is never reachable from a real context's code path (and a
// context called `demo-admin` in the operator's files cannot shadow it).

export const DEMO_ID = 'demo';
export const DEMO_VIEWER_ID = 'demo-viewer';
/** The demo's team user: may read and write only the `shop` namespace. */
export const DEMO_TEAM_ID = 'demo-team';

/** Where one contract context id leads. */
export interface ContextRoute {
  demo: boolean;
  /** The context name inside its kubeconfig. */
  name: string;
}

export function routeOfContextId(id: string): ContextRoute {
  if (id === DEMO_ID) return { demo: true, name: 'demo-admin' };
  if (id === DEMO_VIEWER_ID) return { demo: true, name: 'demo-viewer' };
  if (id === DEMO_TEAM_ID) return { demo: true, name: 'demo-team' };
  if (id.startsWith('kube:') && id.length > 'kube:'.length) return { demo: false, name: id.slice(5) };
  throw new ApiFailure(
    'not-found',
    `unknown context id '${id}' (expected 'demo', 'demo-viewer', 'demo-team' or 'kube:<name>')`,
  );
}

export function contextIdOfRoute(route: ContextRoute): string {
  if (!route.demo) return `kube:${route.name}`;
  if (route.name === 'demo-viewer') return DEMO_VIEWER_ID;
  return route.name === 'demo-team' ? DEMO_TEAM_ID : DEMO_ID;
}

const DEMO_LABELS: Record<string, { id: string; name: string }> = {
  'demo-admin': { id: DEMO_ID, name: 'Demo mesh' },
  'demo-viewer': { id: DEMO_VIEWER_ID, name: 'Demo viewer (read-only user)' },
  'demo-team': { id: DEMO_TEAM_ID, name: 'Demo team (shop namespace only)' },
};

/** The demo's contexts as the operator sees them: the mesh itself, its read-only viewer, its team. */
function demoSummary(
  c: ContextSummary | undefined,
  name: string,
  kubeconfigPath: string | undefined,
): ContextSummary {
  const label = DEMO_LABELS[name] ?? { id: DEMO_ID, name: 'Demo mesh' };
  return {
    ...(c ?? {
      cluster: 'switchyard-demo',
      source: kubeconfigPath ?? 'built in',
      status: 'not-connected' as const,
    }),
    id: label.id,
    name: label.name,
    user: name,
    isDemo: true,
  };
}

export interface ConsoleSessionsDependencies {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** Reload the operator's kubeconfig files when they change (default true). */
  watchKubeconfigs?: boolean;
  /** The running demo mesh's kubeconfig file, or undefined when it is not running. */
  demoKubeconfig: () => string | undefined;
  clock?: Clock;
  /** For tests: how the managers are made. */
  createManager?: (deps: SessionManagerDependencies) => SessionManager;
  /** Offline snapshots: their times go on the contexts (`snapshotAt`), unreadable files to problems. */
  snapshots?: {
    times(): Promise<ReadonlyMap<string, string>>;
    problems(): Promise<KubeconfigProblem[]>;
  };
  /** Which namespaces each context watches (default: a store in the data dir). */
  namespaceSettings?: NamespaceSettingsStore;
}

export interface ConsoleSessions {
  listContexts(): Promise<ContextList>;
  summary(contextId: string): Promise<ContextSummary>;
  /**
   * Who acts in a context (its kubeconfig user), as `summary` says it and refused as it refuses an
   * unknown context, without the files `summary` also reads (offline snapshots, namespace settings):
   * an apply waits for it before it writes.
   */
  user(contextId: string): Promise<string>;
  open(contextId: string): Promise<ContextSummary>;
  close(contextId: string): Promise<boolean>;
  /** The open session behind a context id, or a clear 'unavailable'. */
  session(contextId: string): ClusterSession;
  onSessionChanged(listener: (contextId: string, info: SessionInfo) => void): () => void;
  /** The operator's kubeconfig files changed (contexts added, removed or edited). */
  onContextsChanged(listener: () => void): () => void;
  /** The per-context namespace settings the sessions open with. */
  readonly namespaceSettings: NamespaceSettingsStore;
  dispose(): Promise<void>;
}

export function createConsoleSessions(deps: ConsoleSessionsDependencies): ConsoleSessions {
  const clock = deps.clock ?? systemClock;
  const make = deps.createManager ?? createSessionManager;
  const listeners = new Set<(contextId: string, info: SessionInfo) => void>();
  const execEnv = () => ({ ...deps.env });
  const namespaceSettings = deps.namespaceSettings ?? createNamespaceSettingsStore(deps.dataDir);
  /** A session's settings, read at each open: its chosen namespaces, if any. */
  const settingsOf =
    (demo: boolean) =>
    async (name: string): Promise<SessionSettings> => {
      const s = await namespaceSettings.get(contextIdOfRoute({ demo, name }));
      return s.mode === 'chosen' ? { namespaces: s.namespaces } : {};
    };

  const contextListeners = new Set<() => void>();
  const kube = make({
    loader: createKubeconfigLoader({ env: deps.env }),
    clock,
    dataDir: deps.dataDir,
    execEnv,
    readReleases,
    settings: settingsOf(false),
    // An edited kubeconfig (a new context, rotated credentials) shows without a restart.
    watchKubeconfigs: deps.watchKubeconfigs ?? true,
  });
  kube.onContextsChanged(() => {
    for (const l of contextListeners) l();
  });
  kube.onSessionChanged((info) => {
    for (const l of listeners) l(contextIdOfRoute({ demo: false, name: info.contextName }), info);
  });

  let demo: { path: string; manager: SessionManager } | undefined;
  function demoManager(): SessionManager | undefined {
    const path = deps.demoKubeconfig();
    if (!path) return undefined;
    if (demo?.path === path) return demo.manager;
    // A restarted demo mesh has new tokens and a new port: its old sessions are dead.
    void demo?.manager.dispose();
    const manager = make({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: path } }),
      clock,
      dataDir: join(deps.dataDir, 'demo'),
      execEnv,
      readReleases,
      settings: settingsOf(true),
    });
    manager.onSessionChanged((info) => {
      for (const l of listeners) l(contextIdOfRoute({ demo: true, name: info.contextName }), info);
    });
    demo = { path, manager };
    return manager;
  }

  function managerOf(route: ContextRoute): SessionManager {
    if (!route.demo) return kube;
    const m = demoManager();
    if (!m)
      throw new ApiFailure('unavailable', 'the demo mesh is not running: open it first ("Open demo mesh")');
    return m;
  }

  /** The kubeconfig files' contexts and the demo's (both kept loaded by their managers). */
  async function kubeconfigContexts(): Promise<ContextList> {
    const own = await kube.listContexts();
    const m = demoManager();
    const demoList = m ? await m.listContexts() : { contexts: [], problems: [] };
    const byName = new Map(demoList.contexts.map((c) => [c.name, c]));
    const path = deps.demoKubeconfig();
    const demos = [demoSummary(byName.get('demo-admin'), 'demo-admin', path)];
    if (m)
      for (const name of ['demo-viewer', 'demo-team'])
        if (name === 'demo-viewer' || byName.has(name)) demos.push(demoSummary(byName.get(name), name, path));
    return { contexts: [...demos, ...own.contexts], problems: [...own.problems, ...demoList.problems] };
  }

  async function listContexts(): Promise<ContextList> {
    const { contexts, problems } = await kubeconfigContexts();
    // A namespace settings file or entry that was set aside (or kept as newer) is said here too.
    for (const p of await namespaceSettings.problems())
      problems.push({ file: p.setAsideAs ? join(dirname(p.file), p.setAsideAs) : p.file, message: p.reason });
    if (!deps.snapshots) return { contexts, problems };
    // A snapshot folder that cannot be read must not hide the contexts: they are listed without.
    let times: ReadonlyMap<string, string> = new Map();
    try {
      times = await deps.snapshots.times();
      problems.push(...(await deps.snapshots.problems()));
    } catch (err) {
      problems.push({
        file: 'snapshots',
        message: `offline snapshots could not be read: ${(err as Error).message}`,
      });
    }
    return {
      contexts: contexts.map((c) => {
        const at = times.get(c.id);
        return at ? { ...c, snapshotAt: at } : c;
      }),
      problems,
    };
  }

  function found(list: ContextList, contextId: string): ContextSummary {
    const c = list.contexts.find((x) => x.id === contextId);
    if (!c) throw new ApiFailure('not-found', `no context '${contextId}' in the kubeconfig files`);
    return c;
  }

  async function summary(contextId: string): Promise<ContextSummary> {
    return found(await listContexts(), contextId);
  }

  return {
    listContexts,
    summary,
    user: async (contextId) => found(await kubeconfigContexts(), contextId).user,
    namespaceSettings,
    async open(contextId) {
      const route = routeOfContextId(contextId);
      await managerOf(route).open(route.name);
      return summary(contextId);
    },
    async close(contextId) {
      const route = routeOfContextId(contextId);
      const manager = managerOf(route);
      const had = manager.session(route.name) !== undefined;
      await manager.close(route.name);
      return had;
    },
    session(contextId) {
      const route = routeOfContextId(contextId);
      const s = managerOf(route).session(route.name);
      if (!s) throw new ApiFailure('unavailable', `context '${contextId}' is not open: open it first`);
      return s;
    },
    onSessionChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onContextsChanged(listener) {
      contextListeners.add(listener);
      return () => contextListeners.delete(listener);
    },
    async dispose() {
      listeners.clear();
      contextListeners.clear();
      await Promise.all([kube.dispose(), demo?.manager.dispose()]);
    },
  };
}
