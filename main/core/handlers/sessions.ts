import type { ApiHandlers } from '../api-dispatch.ts';
import type { ConsoleServices } from '../services/console-services.ts';
import { createNamespaceHandlers } from './session-namespaces.ts';

type SessionCalls = Pick<
  ApiHandlers,
  'sessions.open' | 'sessions.close' | 'sessions.namespaces.get' | 'sessions.namespaces.set'
>;

/** sessions.*: open and close a context's session, and choose the namespaces it watches. */
export function sessionHandlers(s: ConsoleServices): SessionCalls {
  return {
    async 'sessions.open'({ contextId }) {
      const summary = await s.sessions.open(contextId);
      s.events.follow(contextId, s.sessions.session(contextId));
      return summary;
    },
    async 'sessions.close'({ contextId }) {
      s.events.unfollow(contextId);
      // The last state goes to disk before the cache stops.
      await s.snapshots.untrack(contextId);
      return { closed: await s.sessions.close(contextId) };
    },
    ...createNamespaceHandlers(s.sessions),
  };
}
