import type { CallRequest, CallResponse } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { NamespaceSettingsView } from '../../../shared/api/session-schemas.ts';
import { MAX_CHOSEN_NAMESPACES, NAMESPACE_NAME } from '../../../shared/api/session-schemas.ts';
import type { ClusterSession } from '../cluster/cluster-session.ts';
import { describeFailure } from '../cluster/cluster-session.ts';
import { KubeApiError } from '../cluster/kube-http-client.ts';
import { distinctNamespaces } from '../cluster/namespace-scope.ts';
import type { ConsoleSessions } from '../services/console-sessions.ts';
import { routeOfContextId } from '../services/console-sessions.ts';
import type { NamespaceSetting } from '../services/namespace-settings-store.ts';

// sessions.namespaces.get/set: which namespaces a context watches. A set is checked against the
// open session first (a chosen set of which no namespace may be listed is refused, nothing
// stored); then it is stored and the session's watches re-open with it.

type Get = 'sessions.namespaces.get';
type Set = 'sessions.namespaces.set';

export interface NamespaceCalls {
  'sessions.namespaces.get'(req: CallRequest<Get>): Promise<CallResponse<Get>>;
  'sessions.namespaces.set'(req: CallRequest<Set>): Promise<CallResponse<Set>>;
}

/** The setting as stored: names checked, duplicates dropped; a chosen set must name one. */
export function normalizeSetting(
  mode: NamespaceSetting['mode'],
  namespaces: readonly string[],
): NamespaceSetting {
  const names = distinctNamespaces(namespaces.map((n) => n.trim()));
  const bad = names.filter((n) => !NAMESPACE_NAME.test(n));
  if (bad.length > 0)
    throw new ApiFailure(
      'invalid-request',
      `not a namespace name: ${bad.map((n) => `'${n}'`).join(', ')} (lower-case letters, digits and '-', at most 63)`,
    );
  if (names.length > MAX_CHOSEN_NAMESPACES)
    throw new ApiFailure('invalid-request', `at most ${MAX_CHOSEN_NAMESPACES} namespaces can be chosen`);
  if (mode === 'chosen' && names.length === 0)
    throw new ApiFailure(
      'invalid-request',
      "choose at least one namespace, or mode 'all' for every namespace",
    );
  return { mode, namespaces: names };
}

/** The open, live session of a context, or undefined (not open, still connecting, failed). */
function liveSession(sessions: ConsoleSessions, contextId: string): ClusterSession | undefined {
  try {
    const session = sessions.session(contextId);
    const { status } = session.info();
    return status === 'connected' || status === 'read-only' ? session : undefined;
  } catch {
    return undefined;
  }
}

export function namespaceView(
  setting: NamespaceSetting,
  session: ClusterSession | undefined,
): NamespaceSettingsView {
  const info = session?.info();
  const watched = info?.watchNamespaces;
  const view: NamespaceSettingsView = {
    mode: setting.mode,
    namespaces: [...setting.namespaces],
    effective: watched ?? (setting.mode === 'chosen' ? [...setting.namespaces] : 'all'),
  };
  if (watched !== undefined && info?.scopeReason) view.reason = info.scopeReason;
  return view;
}

export function createNamespaceHandlers(sessions: ConsoleSessions): NamespaceCalls {
  const store = sessions.namespaceSettings;

  /** The context must exist (its id routes, and it is listed); throws not-found otherwise. */
  async function known(contextId: string) {
    routeOfContextId(contextId);
    await sessions.summary(contextId);
  }

  async function stored(contextId: string): Promise<NamespaceSetting> {
    try {
      return await store.get(contextId);
    } catch (err) {
      throw new ApiFailure('unavailable', `the namespace settings cannot be read: ${(err as Error).message}`);
    }
  }

  return {
    async 'sessions.namespaces.get'({ contextId }) {
      await known(contextId);
      return namespaceView(await stored(contextId), liveSession(sessions, contextId));
    },
    async 'sessions.namespaces.set'({ contextId, mode, namespaces }) {
      await known(contextId);
      const next = normalizeSetting(mode, namespaces);
      const previous = await stored(contextId);
      const session = liveSession(sessions, contextId);
      const settingsOf = (s: NamespaceSetting) => (s.mode === 'chosen' ? { namespaces: s.namespaces } : {});
      if (session?.rescope) {
        try {
          await session.rescope(settingsOf(next));
        } catch (err) {
          if (err instanceof KubeApiError && err.status === 403) {
            const user = (await sessions.summary(contextId)).user;
            throw new ApiFailure('forbidden', describeFailure(err, '', user));
          }
          throw new ApiFailure(
            'unavailable',
            `could not re-open the watches: ${describeFailure(err, '', '')}`,
          );
        }
      }
      try {
        await store.set(contextId, next);
      } catch (err) {
        // The watches go back to what is stored, so the session and the file agree.
        await session?.rescope?.(settingsOf(previous)).catch(() => undefined);
        throw new ApiFailure(
          'internal',
          `the namespace setting could not be saved: ${(err as Error).message}`,
        );
      }
      // A session that failed to open (say, nothing listable) tries again with the new setting.
      if (!session) {
        try {
          const s = sessions.session(contextId);
          if (s.info().status === 'error') await sessions.open(contextId);
        } catch {
          // Not open: the setting applies at its next open.
        }
      }
      return namespaceView(next, liveSession(sessions, contextId));
    },
  };
}
