import type { ContextSummary } from '../../../../shared/api/contract.ts';
import { OfflineSnapshotBanner } from '../drafts/offline-snapshot-banner.tsx';

/**
 * What happened to the active session, and what still works meanwhile. `snapshotAt`: the context
 * is offline and shown from its last session's snapshot, which the banner says instead of the error.
 */
export function SessionBanner({
  context,
  snapshotAt,
  onRetry,
}: {
  context: ContextSummary;
  snapshotAt?: string | undefined;
  onRetry: () => void;
}) {
  if (snapshotAt) {
    return (
      <OfflineSnapshotBanner
        contextName={context.name}
        snapshotAt={snapshotAt}
        reason={context.status === 'error' ? context.statusReason : undefined}
        reconnecting={context.status === 'connecting'}
        onReconnect={onRetry}
      />
    );
  }
  if (context.status === 'error') {
    return (
      <div role="alert" className="banner banner-error">
        <strong>The session to {context.name} dropped</strong>: {context.statusReason ?? 'no reason given'}.
        Your unapplied edits and the history are kept; applying is off until it reconnects.{' '}
        <button type="button" className="secondary" onClick={onRetry}>
          Reconnect
        </button>
      </div>
    );
  }
  if (context.status === 'connected' && context.statusReason?.startsWith('unreachable')) {
    return (
      <div role="alert" className="banner banner-warn">
        {context.name} is not answering ({context.statusReason}); what you see may be stale. Switchyard keeps
        retrying.
      </div>
    );
  }
  if (context.status === 'read-only') {
    return (
      <div role="note" className="banner banner-warn">
        <strong>{context.name} is read-only</strong>: {context.statusReason ?? 'this user may only read'}. You
        can browse services, lint and history; changing traffic needs a context with write access.
      </div>
    );
  }
  if (context.status === 'connecting') {
    return (
      <div role="status" className="banner">
        Connecting to {context.name}…
      </div>
    );
  }
  return null;
}
