// Strings the store keeps for every object, made flat and shared. V8 builds concatenations as
// trees of "cons" strings: a randomUUID() is about twenty of them (~700 bytes instead of ~60) and
// a `${iso.slice(0, 19)}Z` timestamp is three. With tens of thousands of stored objects, each
// holding a uid, a creationTimestamp and managedFields times, that is tens of MB of heap.
import { randomUUID } from 'node:crypto';

/** A flat copy of an ASCII string (a cons-string tree collapses into one sequential string). */
export function flatAscii(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** A new object uid, stored as one flat string. */
export function newUid(): string {
  return flatAscii(randomUUID());
}

let cachedSecond = Number.NaN;
let cachedText = '';

/**
 * RFC 3339 time with second precision (`2025-01-02T03:04:05Z`, as the API server writes
 * creationTimestamp and managedFields times). Calls within the same second share one string.
 */
export function rfc3339At(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = flatAscii(`${new Date(second * 1000).toISOString().slice(0, 19)}Z`);
  }
  return cachedText;
}
