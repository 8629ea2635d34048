import type { ContextStatus } from '../../../../shared/api/contract.ts';

export const statusLabels: Record<ContextStatus, string> = {
  'not-connected': 'Not connected',
  connecting: 'Connecting',
  connected: 'Connected',
  'read-only': 'Read-only',
  error: 'Error',
};

export function StatusBadge({ status, reason }: { status: ContextStatus; reason?: string | undefined }) {
  return (
    <span className={`badge badge-${status}`} title={reason}>
      {statusLabels[status]}
    </span>
  );
}
