// The socket renderer/public/socket-boot.js opened before the app ran (browser mode), with the
// first screen's calls it already made on it. websocketTransport takes it over instead of opening
// a second one.

/** What socket-boot.js leaves on `window`. */
interface BootSocketHandle {
  socket: WebSocket;
  calls: Array<{ id: number; channel: string }>;
  adopt(): unknown[];
}

export interface BootSocket {
  socket: WebSocket;
  /** The calls socket-boot.js sent on it (each with an empty request), by id. */
  calls: ReadonlyArray<{ id: number; channel: string }>;
  /** Every frame the socket received before it was handed over, in order. */
  frames: unknown[];
}

/** How long after the app took the socket an answer socket-boot.js asked for may still be used. */
export const BOOT_ANSWERS_KEPT_MS = 2000;

function isHandle(x: unknown): x is BootSocketHandle {
  if (typeof x !== 'object' || x === null) return false;
  const h = x as Partial<BootSocketHandle>;
  return (
    typeof h.adopt === 'function' &&
    typeof h.socket === 'object' &&
    h.socket !== null &&
    Array.isArray(h.calls) &&
    h.calls.every((c) => Number.isSafeInteger(c?.id) && c.id > 0 && typeof c.channel === 'string')
  );
}

/** Takes the boot socket over (once); undefined when there is none (the desktop app, an old page). */
export function takeBootSocket(
  from: { __switchyardBootSocket?: unknown } = window as never,
): BootSocket | undefined {
  const handle = from.__switchyardBootSocket;
  if (!isHandle(handle)) return undefined;
  const frames = handle.adopt();
  return { socket: handle.socket, calls: [...handle.calls], frames };
}
