import { create } from 'zustand';
import type { AppInfo, ContextSummary, DemoStatus, KubeconfigProblem } from '../../../shared/api/contract.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ApiClient } from '../api/api-client.ts';
import type { FirstAnswers } from '../app/first-answers.ts';

/** Where the operator was in one cluster, kept when switching away and back. */
export interface ClusterPlace {
  releaseId?: string;
  scrollTop: number;
  search: string;
  namespace: string;
}

const emptyPlace: ClusterPlace = { scrollTop: 0, search: '', namespace: '' };

interface ClustersState {
  appInfo?: AppInfo;
  contexts: ContextSummary[];
  problems: KubeconfigProblem[];
  demo: DemoStatus;
  loading: boolean;
  error?: ApiError;
  connection: 'connecting' | 'open' | 'closed';
  connectionReason?: string;
  openingDemo: boolean;
  activeContextId?: string;
  places: Record<string, ClusterPlace>;
  /** Contexts this window tried to open (so "not connected" means "could not", not "not yet"). */
  attempted: Record<string, true>;
  load(): Promise<void>;
  openDemo(): Promise<void>;
  /** Opens (connects) a context and makes it the active one. */
  switchTo(contextId: string): Promise<void>;
  setPlace(contextId: string, place: Partial<ClusterPlace>): void;
  dismissError(): void;
}

export function placeOf(state: Pick<ClustersState, 'places'>, contextId: string | undefined): ClusterPlace {
  return (contextId && state.places[contextId]) || emptyPlace;
}

/**
 * The snapshot time when the context is offline but its last session's snapshot can be shown
 * (read-only): the session failed, or opening it did not connect. Kept while it reconnects.
 */
export function offlineSnapshotOf(
  state: Pick<ClustersState, 'contexts' | 'attempted'>,
  contextId: string | undefined,
): string | undefined {
  const c = contextId ? state.contexts.find((x) => x.id === contextId) : undefined;
  if (!c?.snapshotAt || c.status === 'connected' || c.status === 'read-only') return undefined;
  return c.status === 'error' || state.attempted[c.id] ? c.snapshotAt : undefined;
}

/** Where the app opens at start: the most recently used context, else the demo when it runs. */
export function startingContext(state: Pick<ClustersState, 'contexts' | 'demo'>): string | undefined {
  const recent = orderContexts(state.contexts).find((c) => c.lastUsed);
  if (recent) return recent.id;
  return state.demo.running ? state.contexts.find((c) => c.id === 'demo')?.id : undefined;
}

/** Recently used first, then the demo, then the rest in kubeconfig order. */
export function orderContexts(contexts: readonly ContextSummary[]): ContextSummary[] {
  return contexts
    .map((c, i) => ({ c, i }))
    .sort((a, b) => {
      const la = a.c.lastUsed ?? '';
      const lb = b.c.lastUsed ?? '';
      if (la !== lb) return la < lb ? 1 : -1;
      if (a.c.isDemo !== b.c.isDemo) return a.c.isDemo ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.c);
}

/**
 * What the store holds once the first calls are answered: the same fields `load` sets from the
 * same answers, so a screen rendered from them (the server's, first-screen-html.tsx) is the one
 * the app renders first.
 */
export function answeredState(first: FirstAnswers): Partial<ClustersState> {
  const info = first['app.info'];
  const list = first['contexts.list'];
  const demo = first['demo.status'];
  return {
    loading: false,
    // Answers that came through clear an error an earlier read left (the page's own answers).
    ...(info.ok && list.ok ? { error: undefined } : {}),
    ...(info.ok ? { appInfo: info.value } : { error: info.error }),
    ...(list.ok ? { contexts: list.value.contexts, problems: list.value.problems } : { error: list.error }),
    ...(demo.ok ? { demo: demo.value } : {}),
  };
}

/**
 * Contexts and their status, as main reports them; this store only mirrors main's truth. `first`:
 * the first calls' answers the page came with (first-answers.ts), where the store starts.
 */
export function createClustersStore(api: ApiClient, first?: FirstAnswers) {
  // With the first answers the store starts on the context the app would open once they came, so
  // the first screen (the server's too) is already that cluster's, not a list that jumps to it.
  const answered = first ? answeredState(first) : {};
  let startedOn = first
    ? startingContext({ contexts: answered.contexts ?? [], demo: answered.demo ?? { running: false } })
    : undefined;
  const firstState: Partial<ClustersState> = {
    ...answered,
    ...(startedOn !== undefined ? { activeContextId: startedOn } : {}),
  };
  // A list answered by main keeps the status of a session this page saw open (`keep` says which):
  // statuses come by session.changed, and a list read before that session opened must not reset it.
  const keepOpenStatuses = (
    contexts: readonly ContextSummary[],
    old: readonly ContextSummary[],
    keep: (id: string) => boolean = () => true,
  ) =>
    contexts.map((c) => {
      const was = old.find((o) => o.id === c.id);
      return was && keep(c.id) && c.status === 'not-connected' && was.status !== 'not-connected'
        ? { ...c, status: was.status, ...(was.statusReason ? { statusReason: was.statusReason } : {}) }
        : c;
    });
  // What changed in the store while a load() was waiting for its answers: those answers were read
  // before, so they must not undo it (a status this page set, the demo's state an event brought).
  const pendingLoads = new Set<{ statuses: Set<string>; demo: boolean }>();
  const mergeContext = (summary: ContextSummary) => {
    for (const l of pendingLoads) l.statuses.add(summary.id);
    store.setState((s) => ({
      contexts: s.contexts.some((c) => c.id === summary.id)
        ? s.contexts.map((c) => (c.id === summary.id ? { ...c, ...summary } : c))
        : [...s.contexts, summary],
    }));
  };
  const setDemo = (demo: DemoStatus) => {
    for (const l of pendingLoads) l.demo = true;
    store.setState({ demo });
  };
  /** The context's entry as it is now (events may have updated it during a wait), with `status`. */
  const withStatus = (contextId: string, status: ContextSummary['status'], statusReason: string) => {
    const now = store.getState().contexts.find((c) => c.id === contextId);
    if (now) mergeContext({ ...now, status, statusReason });
  };
  const store = create<ClustersState>()((set, get) => ({
    contexts: [],
    problems: [],
    demo: { running: false },
    loading: true,
    connection: 'connecting',
    openingDemo: false,
    places: {},
    attempted: {},
    ...firstState,
    async load() {
      // A list on screen (the page's first answers) stays there while it is read again.
      if (get().contexts.length === 0) set({ loading: true });
      const changed = { statuses: new Set<string>(), demo: false };
      pendingLoads.add(changed);
      const [info, list, demo] = await Promise.all([
        api.call('app.info', {}),
        api.call('contexts.list', {}),
        api.call('demo.status', {}),
      ]).finally(() => pendingLoads.delete(changed));
      const { demo: answeredDemo, ...answers } = answeredState({
        'app.info': info,
        'contexts.list': list,
        'demo.status': demo,
      });
      // The answers are main's truth as it was when they were read: what this page changed since
      // (a session it opened, the demo's start it followed) is newer and stays.
      set((s) => ({
        ...answers,
        ...(answeredDemo && !changed.demo ? { demo: answeredDemo } : {}),
        ...(answers.contexts
          ? { contexts: keepOpenStatuses(answers.contexts, s.contexts, (id) => changed.statuses.has(id)) }
          : {}),
      }));
      // The page started on the context its first answers chose: open it (if the operator has
      // not moved on meanwhile) as if the answers had just come; if the fresh list no longer has
      // it (the kubeconfig changed), start as without it.
      const chosen = startedOn;
      startedOn = undefined;
      if (chosen !== undefined && get().activeContextId === chosen) {
        if (get().contexts.some((c) => c.id === chosen)) return get().switchTo(chosen);
        set({ activeContextId: undefined });
      }
      if (!get().activeContextId) {
        const start = startingContext(get());
        if (start) await get().switchTo(start);
        // Main starts the demo after the first screen: follow it, as if the operator had opened it.
        else if (get().demo.starting) await get().openDemo();
      }
    },
    async openDemo() {
      set({ openingDemo: true });
      const result = await api.call('demo.open', {});
      // A start that failed leaves the demo neither running nor starting (main sends no event).
      setDemo(result.ok ? result.value : { running: false });
      set(result.ok ? { openingDemo: false } : { openingDemo: false, error: result.error });
      if (result.ok) await get().switchTo('demo');
    },
    async switchTo(contextId) {
      set({ activeContextId: contextId });
      const known = get().contexts.find((c) => c.id === contextId);
      if (known?.status === 'connected' || known?.status === 'read-only') return;
      if (known) mergeContext({ ...known, status: 'connecting' });
      // A demo context chosen while the demo mesh is still starting with the app (the first
      // screen lists it before it runs): wait for it, as "Open demo mesh" does, rather than fail.
      // A demo that is not starting is not started here: its session fails as any offline one.
      if (known?.isDemo && !get().demo.running && get().demo.starting) {
        const demo = await api.call('demo.open', {});
        setDemo(demo.ok ? demo.value : { running: false });
        if (!demo.ok) {
          set((s) => ({ attempted: { ...s.attempted, [contextId]: true }, error: demo.error }));
          withStatus(contextId, 'error', demo.error.message);
          return;
        }
      }
      const result = await api.call('sessions.open', { contextId });
      set((s) => ({ attempted: { ...s.attempted, [contextId]: true } }));
      if (result.ok) mergeContext(result.value);
      else if (known) withStatus(contextId, 'error', result.error.message);
      else set({ error: result.error });
    },
    setPlace(contextId, place) {
      set((s) => ({ places: { ...s.places, [contextId]: { ...placeOf(s, contextId), ...place } } }));
    },
    dismissError: () => set({ error: undefined }),
  }));
  api.on('contexts.changed', (list) =>
    store.setState((s) => ({
      contexts: keepOpenStatuses(list.contexts, s.contexts),
      problems: list.problems,
    })),
  );
  api.on('session.changed', mergeContext);
  api.on('demo.changed', setDemo);
  api.transport.onStatus((status) =>
    store.setState(
      status.state === 'open'
        ? { connection: 'open' }
        : { connection: 'closed', connectionReason: status.reason },
    ),
  );
  return store;
}

export type ClustersStore = ReturnType<typeof createClustersStore>;
