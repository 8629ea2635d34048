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
  return (
    <div role="status" aria-label="Offline snapshot" className="banner banner-warn offline-banner">
      <span>
        <strong>Offline</strong> — {contextName} as of {relativeAge(snapshotAt)} ago (
        <time dateTime={snapshotAt}>{localTime(snapshotAt)}</time>), read-only. You can draft changes; apply
        them once connected.
      </span>{' '}
      <button type="button" className="secondary" disabled={reconnecting} onClick={onReconnect}>
        {reconnecting ? 'Reconnecting…' : 'Reconnect'}
      </button>
      {reason && <div className="muted small">Last attempt: {reason}</div>}
    </div>
  );
}
