// The console's views of a context that is not connected, computed from its last snapshot with the
// same code as the live views (readReleases, summarizeRelease, releaseView) over a lookup on the
// snapshot's objects (no pods: a snapshot does not keep them). Everything is read-only and carries
// the snapshot's time. Computed once per snapshot and kept until a newer one is written.

import type { ReleaseView, ServiceSummary } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { readReleases as readAll } from '../../../shared/mesh/read/index.ts';
import type { ReadReleases } from '../cluster/release-index.ts';
import type { ObjectLookup, ReleaseLinter } from '../views/release-views.ts';
import { releaseView, summarizeRelease } from '../views/release-views.ts';
import { readReleasesInSlices } from './offline-releases.ts';
import type { Snapshot } from './snapshot-schema.ts';
import type { SnapshotProblem, SnapshotStore } from './snapshot-store.ts';

/** Lint findings that need pods; offline the pods are unknown, so these would mislead. */
const POD_FINDINGS = new Set(['SY112']);

const SLICE = 250;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const PODS_UNKNOWN = 'Pods are unknown offline: the snapshot keeps no pods.';

export function offlineReason(capturedAt: string): string {
  return `Offline: this is the snapshot taken ${capturedAt}; reconnect to change traffic.`;
}

export interface OfflineSnapshot {
  contextId: string;
  capturedAt: string;
  /** Computed once, a slice at a time (the event loop gets turns between slices). */
  services(): Promise<ServiceSummary[]>;
  release(releaseId: string): ServiceRelease;
  view(releaseId: string): ReleaseView;
  /** The objects the release was read from (routes, DestinationRules, Service, Deployments). */
  sourceObjects(releaseId: string): KubeObject[];
}

export type OfflineLoad = { offline: OfflineSnapshot } | { problem: SnapshotProblem } | undefined;

export interface OfflineViewsDependencies {
  store: Pick<SnapshotStore, 'load' | 'header'>;
  lint: ReleaseLinter;
  readReleases?: ReadReleases;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace || 'default'}/${name}`;

/** `releases`: the snapshot's releases when already read (see `loadOfflineSnapshot`). */
export function offlineSnapshot(
  snapshot: Snapshot,
  lint: ReleaseLinter,
  read: (objects: readonly KubeObject[]) => ServiceRelease[] = readAll,
  releases?: readonly ServiceRelease[],
): OfflineSnapshot {
  const { contextId, capturedAt } = snapshot;
  const byKey = new Map(
    snapshot.objects.map((o) => [keyOf(o.kind, o.metadata.namespace, o.metadata.name), o]),
  );
  const lookup: ObjectLookup = {
    find: (kind, namespace, name) => byKey.get(keyOf(kind, namespace, name)),
    pods: () => [],
  };
  const byId = new Map((releases ?? read(snapshot.objects)).map((r) => [r.id, r]));
  const reason = offlineReason(capturedAt);
  const views = new Map<string, ReleaseView>();
  let services: Promise<ServiceSummary[]> | undefined;

  function release(releaseId: string): ServiceRelease {
    const r = byId.get(releaseId);
    if (!r)
      throw new ApiFailure(
        'not-found',
        `no service '${releaseId}' in the snapshot of '${contextId}' taken ${capturedAt}`,
      );
    return r;
  }

  return {
    contextId,
    capturedAt,
    services() {
      services ??= (async () => {
        const facts = { contextId, readOnlyReason: reason };
        const releases = [...byId.values()];
        const out: ServiceSummary[] = [];
        for (let i = 0; i < releases.length; i += SLICE) {
          if (i > 0) await yieldToLoop();
          for (const r of releases.slice(i, i + SLICE)) out.push(summarizeRelease(r, lookup, facts, lint));
        }
        return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      })();
      return services;
    },
    release,
    view(releaseId) {
      const hit = views.get(releaseId);
      if (hit) return hit;
      const live = releaseView(release(releaseId), lookup, { contextId }, lint);
      const view: ReleaseView = {
        ...live,
        versions: live.versions.map((v) => ({ ...v, podsUnknown: true })),
        editable: false,
        readOnlyReasons: [reason, PODS_UNKNOWN, ...live.readOnlyReasons],
        lint: live.lint.filter((f) => !POD_FINDINGS.has(f.code)),
        snapshotAt: capturedAt,
      };
      views.set(releaseId, view);
      return view;
    },
    sourceObjects(releaseId) {
      return release(releaseId)
        .sources.map((s) => lookup.find(s.kind, s.namespace, s.name))
        .filter((o): o is KubeObject => o !== undefined);
    },
  };
}

/** An offline snapshot whose releases are read in slices (the event loop runs in between). */
export async function loadOfflineSnapshot(
  snapshot: Snapshot,
  lint: ReleaseLinter,
  readReleases: ReadReleases = readAll,
): Promise<OfflineSnapshot> {
  // A snapshot without the cluster's ReferenceGrants judges no cross-namespace backend by them.
  const read: ReadReleases =
    snapshot.referenceGrants === 'watched'
      ? readReleases
      : (objects) => readReleases(objects, { referenceGrantsUnknown: true });
  return offlineSnapshot(snapshot, lint, read, await readReleasesInSlices(snapshot.objects, read));
}

/** Offline snapshots by context, loaded on first use and again only when a newer one exists. */
export function createOfflineViews(deps: OfflineViewsDependencies) {
  const memo = new Map<string, { capturedAt: string; loading: Promise<OfflineLoad> }>();

  return {
    async get(contextId: string): Promise<OfflineLoad> {
      const header = await deps.store.header(contextId);
      if (!header) {
        memo.delete(contextId);
        // No readable header: a load reports a bad file (and sets it aside) or finds nothing.
        const r = await deps.store.load(contextId);
        return r && 'problem' in r ? r : undefined;
      }
      const known = memo.get(contextId);
      if (known && known.capturedAt === header.capturedAt) return known.loading;
      const loading = deps.store.load(contextId).then(async (r): Promise<OfflineLoad> => {
        if (!r || 'problem' in r) return r;
        await yieldToLoop();
        return { offline: await loadOfflineSnapshot(r.snapshot, deps.lint, deps.readReleases) };
      });
      memo.set(contextId, { capturedAt: header.capturedAt, loading });
      loading.catch(() => {
        if (memo.get(contextId)?.loading === loading) memo.delete(contextId);
      });
      return loading;
    },
    /** Drops the views of a context (e.g. it is live again). */
    forget(contextId: string) {
      memo.delete(contextId);
    },
  };
}

export type OfflineViews = ReturnType<typeof createOfflineViews>;
