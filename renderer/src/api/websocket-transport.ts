import type { CallName, EventName } from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import {
  formatBytes,
  MAX_CALL_PAYLOAD_BYTES,
  MAX_FRAME_BYTES,
  utf8Bytes,
} from '../../../shared/api/limits.ts';
import { BOOT_ANSWERS_KEPT_MS, type BootSocket } from './boot-socket.ts';
import { parseServerFrame } from './server-frame.ts';
import type { Transport, TransportStatus } from './transport.ts';

const OPEN = 1;
const CLOSED = 3;

/**
 * Browser mode: every call and event of the contract over one socket to `switchyard web`. With
 * `boot` (boot-socket.ts), the socket the page opened before the app ran: the app's first call of
 * each channel boot-socket.js already asked (with an empty request) takes that answer, within
 * BOOT_ANSWERS_KEPT_MS; events that came before the app listened are given to each listener that
 * subscribes within that time, in order.
 */
export function websocketTransport(url: string, boot?: BootSocket): Transport {
  const pending = new Map<number, (result: ApiResult<unknown>) => void>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  /** The socket's state once it opened or closed; a listener that comes later is told it. */
  let current: TransportStatus | undefined;
  const socket = boot?.socket ?? new WebSocket(url);
  let nextId = 1 + Math.max(0, ...(boot?.calls.map((c) => c.id) ?? []));
  const early = new Map<string, Promise<ApiResult<unknown>>>();
  for (const { id, channel } of boot?.calls ?? [])
    early.set(channel, new Promise((resolve) => pending.set(id, resolve)));
  let earlyEvents: Array<{ event: string; payload: unknown }> = [];
  if (boot)
    setTimeout(() => {
      early.clear();
      earlyEvents = [];
    }, BOOT_ANSWERS_KEPT_MS);
  const opened =
    socket.readyState === OPEN
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          if (socket.readyState > OPEN) reject(new Error('cannot reach Switchyard'));
          socket.addEventListener('open', () => resolve(), { once: true });
          socket.addEventListener('error', () => reject(new Error('cannot reach Switchyard')), {
            once: true,
          });
        });
  opened.then(
    () => {
      current = { state: 'open' };
      for (const l of statusListeners) l(current);
    },
    () => {},
  );

  const receive = (data: unknown, beforeApp: boolean) => {
    // Checked by hand (server-frame.ts says why); a message that is not a frame is dropped.
    const frame = parseServerFrame(String(data));
    if (!frame) return;
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result as ApiResult<unknown>);
      pending.delete(frame.id);
    } else if (beforeApp) {
      earlyEvents.push({ event: frame.event, payload: frame.payload });
    } else {
      for (const l of eventListeners.get(frame.event) ?? []) l(frame.payload);
    }
  };
  socket.addEventListener('message', (message) => receive(message.data, false));
  for (const data of boot?.frames ?? []) receive(data, true);
  const closed = (reason: string) => {
    for (const resolve of pending.values())
      resolve({ ok: false, error: { code: 'unavailable', message: reason } });
    pending.clear();
    current = { state: 'closed', reason };
    for (const l of statusListeners) l(current);
  };
  socket.addEventListener('close', (event) =>
    closed(event.reason || `connection closed (code ${event.code})`),
  );
  // The boot socket may have closed before the app took it: its close event has gone.
  if (socket.readyState === CLOSED) queueMicrotask(() => closed('the connection to Switchyard is closed'));

  return {
    async call(channel: CallName, payload: unknown) {
      const answered = early.get(channel);
      if (answered && isEmptyRequest(payload)) {
        early.delete(channel);
        return answered;
      }
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
      const before = earlyEvents.filter((e) => e.event === event);
      if (before.length > 0)
        queueMicrotask(() => {
          for (const e of before) if (set.has(listener)) listener(e.payload);
        });
      return () => set.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      const now = current;
      if (now) queueMicrotask(() => statusListeners.has(listener) && listener(now));
      return () => statusListeners.delete(listener);
    },
  };
}

function isEmptyRequest(payload: unknown): boolean {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    Object.getPrototypeOf(payload) === Object.prototype &&
    Object.keys(payload).length === 0
  );
}
