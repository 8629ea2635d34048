import type { CallName, EventName } from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';

/** How the contract client reaches main: Electron IPC or the browser-mode WebSocket. */
export interface Transport {
  call(channel: CallName, payload: unknown): Promise<ApiResult<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
  /** Reports the connection state (browser mode only changes it). */
  onStatus(listener: (status: TransportStatus) => void): () => void;
}

export type TransportStatus = { state: 'open' } | { state: 'closed'; reason: string };
