// What the console reads of a cluster's releases: the service list, one release's view, the
// preview of an edit over sample traffic, History, and the objects a draft starts from. Each
// answers from the live session, or from the offline snapshot where the call allows it.

import type { CallRequest, CallResponse } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ObjectKey } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { historyViews } from '../views/history-views.ts';
import { releaseView, summarizeRelease } from '../views/release-views.ts';
import { cacheLookup, refOf } from './cache-lookup.ts';
import type { ConsoleServices, DraftBase } from './console-services.ts';
import { sessionFacts } from './console-services.ts';
import { loadNamespaceLabels, namespaceLabelsOf } from './namespace-labels.ts';
import { previewRelease } from './release-preview.ts';
import { parseSampleJsonl } from './sample-traffic.ts';

type Reply<C extends 'services.list' | 'release.get' | 'release.preview' | 'history.list'> = Promise<
  CallResponse<C>
>;

export function listServices(s: ConsoleServices, contextId: string): Reply<'services.list'> {
  return s.snapshots.liveOrSnapshot(
    contextId,
    async () => {
      const session = await s.ready(contextId);
      const lookup = cacheLookup(session.cache!);
      const facts = sessionFacts(contextId, session);
      const services = session.releases!.releases().map((r) => summarizeRelease(r, lookup, facts, s.lint));
      services.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      return { services };
    },
    async (offline) => ({ services: await offline.services(), snapshotAt: offline.capturedAt }),
  );
}

export function getRelease(s: ConsoleServices, contextId: string, releaseId: string): Reply<'release.get'> {
  return s.snapshots.liveOrSnapshot(
    contextId,
    async () => {
      const session = await s.ready(contextId);
      const release = s.releaseOf(session, releaseId);
      s.events.watchRelease(contextId, releaseId);
      await loadNamespaceLabels(session.client, release.namespace);
      return releaseView(
        release,
        cacheLookup(session.cache!, namespaceLabelsOf(session.client), session.releases),
        sessionFacts(contextId, session),
        s.lint,
        s.stable.observe(release),
      );
    },
    (offline) => offline.view(releaseId),
  );
}

export async function previewEdit(
  s: ConsoleServices,
  { contextId, releaseId, desired, sample }: CallRequest<'release.preview'>,
): Reply<'release.preview'> {
  const session = await s.ready(contextId);
  const release = s.releaseOf(session, releaseId);
  const source = sample === undefined || sample === 'demo' ? 'demo' : 'jsonl';
  const requests =
    sample === undefined || sample === 'demo' ? await s.demoRequests() : parseSampleJsonl(sample.jsonl);
  return previewRelease({
    release,
    input: desired,
    objects: s.sourceObjects(session, release),
    engine: s.engine,
    requests,
    source,
  });
}

export async function listHistory(
  s: ConsoleServices,
  { contextId, releaseId }: CallRequest<'history.list'>,
): Reply<'history.list'> {
  const page = await s.history.read({
    ...(contextId !== undefined ? { context: contextId } : {}),
    ...(releaseId !== undefined ? { releaseId } : {}),
    limit: 200,
  });
  return {
    entries: historyViews(page.entries, s.liveLookupOf),
    ...(page.skipped.length > 0 ? { skipped: page.skipped } : {}),
  };
}

/**
 * The objects as the synced cache holds them: the cache's own, to be read and never changed
 * (undefined: not in the cluster). Needs a connection.
 */
export async function liveObjects(
  s: ConsoleServices,
  contextId: string,
  keys: readonly ObjectKey[],
): Promise<Array<KubeObject | undefined>> {
  const session = await s.ready(contextId);
  return keys.map((k) => {
    const ref = refOf(k);
    if (!ref) throw new ApiFailure('invalid-request', `Switchyard does not watch ${k.kind} objects`);
    return session.cache!.find(ref);
  });
}

/** The objects a new draft of a release starts from (its routes, DestinationRules, Services, Deployments). */
export function draftBase(s: ConsoleServices, contextId: string, releaseId: string): Promise<DraftBase> {
  return s.snapshots.liveOrSnapshot(
    contextId,
    async (): Promise<DraftBase> => {
      const session = await s.ready(contextId);
      const release = s.releaseOf(session, releaseId);
      return {
        origin: 'live',
        capturedAt: new Date().toISOString(),
        objects: s.sourceObjects(session, release),
      };
    },
    (offline) => ({
      origin: 'snapshot',
      capturedAt: offline.capturedAt,
      objects: offline.sourceObjects(releaseId),
    }),
    (err) =>
      new ApiFailure(
        'unavailable',
        `${err.message}; there is no offline snapshot of '${contextId}' yet to draft from (connect to it once first)`,
      ),
  );
}
