// Every size limit of the contract, in one place. Sizes are counted the way the browser-mode socket
// carries a call: the UTF-8 bytes of its JSON text. The transport's frame limit is derived from the
// contract's call limit, so a call the contract accepts always fits in one frame, and the renderer
// checks the same numbers before it sends anything.

const KiB = 1024;
const MiB = 1024 * KiB;

/** The largest sample traffic (JSONL text) a preview takes, as bytes of its JSON string in a call. */
export const MAX_SAMPLE_JSONL_BYTES = 6 * MiB;

/** The most requests a sample may hold (checked when its lines are read, in main). */
export const MAX_SAMPLE_REQUESTS = 50_000;

/** Room a preview call keeps beside its sample (the desired split and rules, ids). */
const ROOM_BESIDES_SAMPLE_BYTES = 2 * MiB;

/** The largest payload one call may carry (both transports; checked before the call's schema). */
export const MAX_CALL_PAYLOAD_BYTES = MAX_SAMPLE_JSONL_BYTES + ROOM_BESIDES_SAMPLE_BYTES;

/**
 * What a browser-mode frame adds around the payload: `{"type":"call","id":…,"channel":"…","payload":}`
 * with the largest id and the longest channel name (a unit test holds every channel to it).
 */
export const FRAME_ENVELOPE_BYTES = 512;

/** The largest WebSocket message the browser-mode server reads; a bigger one closes that socket. */
export const MAX_FRAME_BYTES = MAX_CALL_PAYLOAD_BYTES + FRAME_ENVELOPE_BYTES;

/** "6 MiB", "512 bytes": a limit as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Number((bytes / MiB).toFixed(1))} MiB`;
  if (bytes >= KiB) return `${Number((bytes / KiB).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** Bytes of `text` in UTF-8 (a lone surrogate counts as the replacement character it becomes). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Bytes of `JSON.stringify(text)` in UTF-8, quotes and escapes included. */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      if (isLowSurrogate(text.charCodeAt(i + 1))) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone surrogate is written as \udxxx
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

function scalarBytes(value: unknown): number | undefined {
  if (value === null) return 4;
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      return String(value).length;
    case 'object':
      return undefined;
    default:
      return -1; // undefined, a function or a symbol: left out of objects, null in arrays
  }
}

/**
 * The UTF-8 size of `JSON.stringify(value)`, walked without recursion (a deeply nested payload does
 * not overflow the stack) and given up once it passes `limit`: the answer is exact up to `limit` and
 * some number above it beyond (a cyclic value, which JSON cannot hold, always ends above it).
 */
export function jsonBytesUpTo(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    let v = stack.pop();
    if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      v = (v as { toJSON: () => unknown }).toJSON();
    const scalar = scalarBytes(v);
    if (scalar !== undefined) {
      total += scalar === -1 ? 4 : scalar;
      continue;
    }
    if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    const kept = Object.entries(v as object).filter(([, item]) => scalarBytes(item) !== -1);
    total += 2 + Math.max(0, kept.length - 1);
    for (const [key, item] of kept) {
      total += jsonStringBytes(key) + 1;
      stack.push(item);
    }
  }
  return total;
}

/** Why a sample is refused for its size (the renderer shows the same words before sending). */
export function sampleTooLargeMessage(bytes: number): string {
  const [size, limit] = [formatBytes(bytes), formatBytes(MAX_SAMPLE_JSONL_BYTES)];
  // Just over the limit, rounded figures would read "6 MiB; at most 6 MiB": give exact bytes then.
  if (size === limit)
    return `sample traffic is ${bytes.toLocaleString('en')} bytes; a preview takes at most ${MAX_SAMPLE_JSONL_BYTES.toLocaleString('en')} bytes (${limit}) of JSONL`;
  return `sample traffic is ${size}; a preview takes at most ${limit} of JSONL`;
}
