import type { CallName, EventName } from './contract.ts';
import type { ApiResult } from './errors.ts';

/**
 * What the Electron preload puts on `window.switchyard`: one function per call of the contract and
 * a subscription per event of the contract. No generic invoke or send.
 */
export interface SwitchyardBridge {
  calls: { [C in CallName]: (payload: unknown) => Promise<ApiResult<unknown>> };
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** The IPC channel an event travels on, kept apart from the call channels. */
export function eventChannel(event: EventName): string {
  return `event:${event}`;
}
