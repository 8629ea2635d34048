import { useOnClient } from '../../ssr/use-on-client.ts';
import { localTime, relativeAge } from './relative-time.ts';

/** The active context is offline: what is shown is its last session's snapshot, read-only. */
export function OfflineSnapshotBanner({
  contextName,
  snapshotAt,
  reason,
  reconnecting,
  onReconnect,
}: {
  contextName: string;
  snapshotAt: string;
  reason?: string | undefined;
  reconnecting: boolean;
  onReconnect: () => void;
}) {
  // The snapshot's age and local time depend on the clock and the locale: the server's render of
  // the first screen (browser mode) leaves them to the page, or the two renders would differ.
  const onClient = useOnClient();
  return (
    <div role="status" aria-label="Offline snapshot" className="banner banner-warn offline-banner">
      <span>
        <strong>Offline</strong> — {contextName} as of{' '}
        {onClient ? (
          <>
            {relativeAge(snapshotAt)} ago (<time dateTime={snapshotAt}>{localTime(snapshotAt)}</time>)
          </>
        ) : (
          <time dateTime={snapshotAt}>its last snapshot</time>
        )}
        , read-only. You can draft changes; apply them once connected.
      </span>{' '}
      <button type="button" className="secondary" disabled={reconnecting} onClick={onReconnect}>
        {reconnecting ? 'Reconnecting…' : 'Reconnect'}
      </button>
      {reason && <div className="muted small">Last attempt: {reason}</div>}
    </div>
  );
}
