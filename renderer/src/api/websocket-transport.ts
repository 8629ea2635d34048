import type { CallName, EventName } from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import {
  formatBytes,
  MAX_CALL_PAYLOAD_BYTES,
  MAX_FRAME_BYTES,
  utf8Bytes,
} from '../../../shared/api/limits.ts';
import { parseServerFrame } from './server-frame.ts';
import type { Transport, TransportStatus } from './transport.ts';

/** Browser mode: every call and event of the contract over one socket to `switchyard web`. */
export function websocketTransport(url: string): Transport {
  let nextId = 1;
  const pending = new Map<number, (result: ApiResult<unknown>) => void>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot reach Switchyard')), { once: true });
  });
  opened.then(
    () => {
      for (const l of statusListeners) l({ state: 'open' });
    },
    () => {},
  );

  socket.addEventListener('message', (message) => {
    // Checked by hand (server-frame.ts says why); a message that is not a frame is dropped.
    const frame = parseServerFrame(String(message.data));
    if (!frame) return;
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result as ApiResult<unknown>);
      pending.delete(frame.id);
    } else {
      for (const l of eventListeners.get(frame.event) ?? []) l(frame.payload);
    }
  });
  socket.addEventListener('close', (event) => {
    const reason = event.reason || `connection closed (code ${event.code})`;
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: 'unavailable', message: reason } });
    pending.clear();
    for (const l of statusListeners) l({ state: 'closed', reason });
  });

  return {
    async call(channel: CallName, payload: unknown) {
      try {
        await opened;
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'cannot reach the Switchyard server' } };
      }
      if (socket.readyState !== WebSocket.OPEN) {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'the connection to Switchyard is closed' },
        };
      }
      const id = nextId++;
      const frame = JSON.stringify({ type: 'call', id, channel, payload });
      // The server would close the socket on a frame over its limit: refuse the one call instead.
      if (utf8Bytes(frame) > MAX_FRAME_BYTES) {
        return {
          ok: false,
          error: {
            code: 'invalid-request',
            message: `${channel}: the call carries more than ${formatBytes(MAX_CALL_PAYLOAD_BYTES)}, the most one call may carry`,
          },
        };
      }
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(frame);
      });
    },
    on(event: EventName, listener) {
      let set = eventListeners.get(event);
      if (!set) {
        set = new Set();
        eventListeners.set(event, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
