import type { EventPayload } from '../../../shared/api/contract.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { EventSink } from '../api-dispatch.ts';
import type { ApplyProgress } from '../apply/apply-types.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import type { ReleaseChanges, ReleaseIndex } from '../cluster/release-index.ts';
import type { ReleaseLinter } from '../views/release-views.ts';
import { releaseView, summarizeRelease } from '../views/release-views.ts';
import { cacheLookup } from './cache-lookup.ts';
import type { ConsoleSessions } from './console-sessions.ts';
import { namespaceLabelsOf } from './namespace-labels.ts';
import type { StableVersions } from './stable-versions.ts';

// Main's truth reaching the renderer: session status, service list deltas (already coalesced by
// the release index, at most 10 a second) and full views of the releases the operator has open.

export interface ConsoleEventsDependencies {
  sessions: ConsoleSessions;
  emit: EventSink;
  lint: ReleaseLinter;
  stable: StableVersions;
}

/** The host a release id names: `istio:<ns>/<host>`; a Gateway API id names its route, not a host. */
function hostOfId(id: string): string {
  return id.startsWith('istio:') ? id.slice(id.indexOf('/') + 1) : '';
}

/** How many open service views per context get live release.changed events. */
const WATCHED_LIMIT = 8;

export function createConsoleEvents(deps: ConsoleEventsDependencies) {
  const followed = new Map<string, { index: ReleaseIndex; stop: () => void; session: ClusterSession }>();
  const watched = new Map<string, string[]>();

  function readOnlyReason(session: ClusterSession): string | undefined {
    const info = session.info();
    return info.status === 'read-only' ? (info.statusReason ?? 'this user may only read') : undefined;
  }

  function publish(contextId: string, session: ClusterSession, changes: ReleaseChanges) {
    const cache = session.cache;
    if (!cache) return;
    const lookup = cacheLookup(cache, namespaceLabelsOf(session.client), session.releases);
    const reason = readOnlyReason(session);
    const facts = reason ? { contextId, readOnlyReason: reason } : { contextId };
    // The open views first: the operator watches one of them for the change to be confirmed, and
    // the renderer handles events in order, so the list's update (a splice and a filter of 50,000
    // services at that size) no longer comes between the change and its view.
    const open = new Set(watched.get(contextId) ?? []);
    const send = (r: ServiceRelease) =>
      deps.emit('release.changed', releaseView(r, lookup, facts, deps.lint, deps.stable.observe(r)));
    for (const r of changes.upserts) if (open.has(r.id)) send(r);
    // A route of the other kind appearing, changing or going for an open release's host changes
    // what its view says of the mix (SY170): that view is sent again too.
    const touched = new Set([...changes.upserts.map((r) => r.host), ...changes.deletes.map(hostOfId)]);
    const index = session.releases;
    // A release read again the same (a pod of it changed) is sent only to its open view: the
    // list's summary holds nothing of its pods.
    const readAgain = new Set(changes.touched ?? []);
    for (const id of open) {
      if (changes.upserts.some((r) => r.id === id)) continue;
      const r = index?.get(id);
      if (r && (touched.has(r.host) || readAgain.has(id))) send(r);
    }
    if (changes.upserts.length === 0 && changes.deletes.length === 0) return;
    const payload: EventPayload<'services.changed'> = {
      contextId,
      upserts: changes.upserts.map((r) => summarizeRelease(r, lookup, facts, deps.lint)),
      removed: changes.deletes,
    };
    deps.emit('services.changed', payload);
  }

  /** Starts forwarding a session's release changes (again, when it reconnected with a new index). */
  function follow(contextId: string, session: ClusterSession) {
    const index = session.releases;
    const current = followed.get(contextId);
    if (current && current.index === index && current.session === session) return;
    current?.stop();
    followed.delete(contextId);
    if (!index) return;
    const stop = index.onChanges((changes) => publish(contextId, session, changes));
    followed.set(contextId, { index, stop, session });
  }

  const offSessions = deps.sessions.onSessionChanged((contextId, info) => {
    void deps.sessions
      .summary(contextId)
      .then((summary) =>
        deps.emit('session.changed', {
          ...summary,
          status: info.status,
          ...(info.statusReason ? { statusReason: info.statusReason } : {}),
        }),
      )
      .catch(() => undefined);
    if (info.status === 'connected' || info.status === 'read-only') {
      try {
        follow(contextId, deps.sessions.session(contextId));
      } catch {
        // Closed meanwhile: nothing to follow.
      }
    }
  });

  const progressStates: Record<ApplyProgress['type'], EventPayload<'apply.progress'>['state']> = {
    'dry-run': 'dry-run',
    'step-started': 'applying',
    rebased: 'applying',
    'step-applied': 'verifying',
    'step-verified': 'done',
    paused: 'pending',
    'rolling-back': 'applying',
    'rolled-back': 'rolled-back',
  };

  function progressMessage(e: ApplyProgress): string | undefined {
    switch (e.type) {
      case 'paused':
        return `waiting ${Math.round(e.ms / 100) / 10} s for the mesh to pick up the previous step`;
      case 'rebased':
        return `someone else changed the object; re-applied on resourceVersion ${e.resourceVersion}`;
      case 'step-applied':
        return 'written; waiting for the cluster to confirm';
      case 'rolling-back':
        return 'rolling back';
      case 'rolled-back':
        return e.ok ? 'rolled back' : 'could not be rolled back: check this object';
      default:
        return undefined;
    }
  }

  return {
    follow,
    unfollow(contextId: string) {
      followed.get(contextId)?.stop();
      followed.delete(contextId);
      watched.delete(contextId);
    },
    watchRelease(contextId: string, releaseId: string) {
      const list = (watched.get(contextId) ?? []).filter((id) => id !== releaseId);
      list.push(releaseId);
      watched.set(contextId, list.slice(-WATCHED_LIMIT));
    },
    progress(planId: string, e: ApplyProgress) {
      const message = progressMessage(e);
      deps.emit('apply.progress', {
        planId,
        stepId: e.stepId,
        state: progressStates[e.type],
        ...(message ? { message } : {}),
      });
    },
    dispose() {
      offSessions();
      for (const f of followed.values()) f.stop();
      followed.clear();
    },
  };
}
