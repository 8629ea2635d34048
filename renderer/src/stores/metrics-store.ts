import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.ts';
import type {
  MetricsSnapshot,
  PrometheusSettingsView,
  VersionSeries,
} from '../../../shared/api/metrics-schemas.ts';
import type { ColorBook } from '../../../shared/metrics/version-colors.ts';
import { assignVersionColors, EMPTY_COLOR_BOOK } from '../../../shared/metrics/version-colors.ts';
import type { ApiClient } from '../api/api-client.ts';

/** A change from History, drawn as a marker on the charts. */
export interface ChangeMarker {
  time: number;
  summary: string;
}

export interface MetricsState {
  contextId: string | undefined;
  releaseId: string | undefined;
  windowSeconds: number;
  intervalMs: number;
  count4xxAsErrors: boolean;
  snapshot: MetricsSnapshot | undefined;
  markers: ChangeMarker[];
  settings: PrometheusSettingsView | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Per service (colorKey), who holds which colour: kept for the page's life, so colours never move. */
  colors: Record<string, ColorBook>;
  /** Versions seen for a service (its release's, or its charts'): newcomers get a colour of their own. */
  noteVersions(contextId: string, releaseId: string, versions: readonly string[]): void;
  show(contextId: string, releaseId: string): Promise<void>;
  hide(contextId: string, releaseId: string): Promise<void>;
  setWindow(seconds: number): Promise<void>;
  setCount4xx(on: boolean): Promise<void>;
  saveSettings(
    url: string | null,
    auth?:
      | { kind: 'none' }
      | { kind: 'bearer'; token: string }
      | { kind: 'basic'; username: string; password: string },
  ): Promise<ApiError | undefined>;
  refreshMarkers(): Promise<void>;
}

const seriesVersions = (s: MetricsSnapshot) => s.series.map((v) => v.version);

/** Appends an update's points to the series held, dropping what fell out of the window. */
export function mergeSnapshot(held: MetricsSnapshot | undefined, update: MetricsSnapshot): MetricsSnapshot {
  if (update.mode === 'replace' || !held || update.state !== 'live') {
    // A paused or failed tick keeps the lines drawn so far and says why nothing moves.
    if (update.state !== 'live' && held && update.state !== 'no-prometheus')
      return { ...held, state: update.state, ...(update.message ? { message: update.message } : {}) };
    return update;
  }
  const oldest = update.updatedAt - update.windowSeconds * 1000;
  const byVersion = new Map(held.series.map((s) => [s.version, s]));
  const series: VersionSeries[] = update.series.map((next) => {
    const before = byVersion.get(next.version);
    if (!before) return next;
    const keep = before.t.findIndex((t) => t >= oldest && t < (next.t[0] ?? Number.POSITIVE_INFINITY));
    const from = keep < 0 ? before.t.length : keep;
    const cut = <T>(a: T[], b: T[]) => [...a.slice(from), ...b];
    return {
      ...next,
      t: cut(before.t, next.t),
      rps: cut(before.rps, next.rps),
      successRate: cut(before.successRate, next.successRate),
      p50: cut(before.p50, next.p50),
      p95: cut(before.p95, next.p95),
      p99: cut(before.p99, next.p99),
    };
  });
  // A version the update does not mention keeps its points, trimmed to the window like the others.
  for (const s of held.series) {
    if (update.series.some((u) => u.version === s.version)) continue;
    const from = s.t.findIndex((t) => t >= oldest);
    const keep = <T>(a: T[]) => (from < 0 ? [] : a.slice(from));
    series.push({
      ...s,
      t: keep(s.t),
      rps: keep(s.rps),
      successRate: keep(s.successRate),
      p50: keep(s.p50),
      p95: keep(s.p95),
      p99: keep(s.p99),
    });
  }
  return { ...update, series };
}

export const colorKey = (contextId: string, releaseId: string) => `${contextId}\u0000${releaseId}`;

/** Whether this page can be seen now (a page without a document, as in tests, counts as seen). */
const pageVisible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

export type MetricsStore = ReturnType<typeof createMetricsStore>;

export function createMetricsStore(api: ApiClient) {
  const store = create<MetricsState>((set, get) => {
    const subscribe = async () => {
      const { contextId, releaseId, windowSeconds, intervalMs, count4xxAsErrors } = get();
      if (!contextId || !releaseId) return;
      set({ loading: true });
      const r = await api.call('metrics.subscribe', {
        contextId,
        releaseId,
        windowSeconds,
        intervalMs,
        count4xxAsErrors,
        // Main keeps visibility per page; a freshly loaded page says its own.
        visible: pageVisible(),
      });
      if (get().releaseId !== releaseId || get().contextId !== contextId) return;
      if (r.ok) {
        get().noteVersions(contextId, releaseId, seriesVersions(r.value));
        set({ snapshot: r.value, error: undefined, loading: false });
      } else set({ error: r.error, loading: false });
    };
    return {
      contextId: undefined,
      releaseId: undefined,
      snapshot: undefined,
      settings: undefined,
      error: undefined,
      windowSeconds: 900,
      intervalMs: 5000,
      count4xxAsErrors: false,
      markers: [],
      loading: false,
      colors: {},
      noteVersions(contextId, releaseId, versions) {
        const key = colorKey(contextId, releaseId);
        const book = get().colors[key] ?? EMPTY_COLOR_BOOK;
        // Eviction (only when every colour is held) spares what the charts still show.
        const { snapshot } = get();
        const shown =
          snapshot?.contextId === contextId && snapshot.releaseId === releaseId
            ? seriesVersions(snapshot)
            : [];
        const next = assignVersionColors(book, [...versions, ...shown]);
        if (next !== book) set({ colors: { ...get().colors, [key]: next } });
      },
      async show(contextId, releaseId) {
        set({
          contextId,
          releaseId,
          markers: [],
          snapshot: undefined,
          error: undefined,
          settings: undefined,
        });
        const settings = await api.call('metrics.settings.get', { contextId });
        if (settings.ok) set({ settings: settings.value });
        await Promise.all([subscribe(), get().refreshMarkers()]);
      },
      async hide(contextId, releaseId) {
        if (get().contextId !== contextId || get().releaseId !== releaseId) return;
        set({ releaseId: undefined, snapshot: undefined });
        await api.call('metrics.unsubscribe', { contextId, releaseId });
      },
      async setWindow(seconds) {
        set({ windowSeconds: seconds });
        await subscribe();
      },
      async setCount4xx(on) {
        set({ count4xxAsErrors: on });
        await subscribe();
      },
      async saveSettings(url, auth) {
        const { contextId } = get();
        if (!contextId) return undefined;
        const r = await api.call('metrics.settings.set', { contextId, url, ...(auth ? { auth } : {}) });
        if (!r.ok) return r.error;
        set({ settings: r.value });
        await subscribe();
        return undefined;
      },
      async refreshMarkers() {
        const { contextId, releaseId } = get();
        if (!contextId || !releaseId) return;
        const r = await api.call('history.list', { contextId, releaseId });
        if (r.ok && get().releaseId === releaseId)
          set({ markers: r.value.entries.map((e) => ({ time: Date.parse(e.time), summary: e.summary })) });
      },
    };
  });

  api.on('metrics.update', (update) => {
    const s = store.getState();
    if (update.contextId !== s.contextId || update.releaseId !== s.releaseId) return;
    s.noteVersions(update.contextId, update.releaseId, seriesVersions(update));
    store.setState({ snapshot: mergeSnapshot(s.snapshot, update) });
  });
  // A change applied (here or elsewhere) becomes a marker on the charts.
  api.on('release.changed', (view) => {
    const s = store.getState();
    if (view.contextId === s.contextId && view.releaseId === s.releaseId) void s.refreshMarkers();
  });
  if (typeof document !== 'undefined') {
    // Main stops querying while nobody can see the charts.
    document.addEventListener('visibilitychange', () => {
      void api.call('metrics.visibility', { visible: document.visibilityState !== 'hidden' });
    });
  }
  return store;
}

const stores = new WeakMap<ApiClient, MetricsStore>();

/** One metrics store per API client: the panel mounts inside the service view without new props. */
export function metricsStoreFor(api: ApiClient): MetricsStore {
  let s = stores.get(api);
  if (!s) {
    s = createMetricsStore(api);
    stores.set(api, s);
  }
  return s;
}
