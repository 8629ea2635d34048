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

/** Strings up to this length are shared; longer ones are nearly always unique. */
const MAX_SHARED_LENGTH = 40;
/** Past this many distinct strings the table starts over, so churn cannot grow it without bound. */
const MAX_SHARED = 50_000;

/**
 * Deep-freezes stored objects, replacing each short string value in their new (not yet frozen)
 * parts by one shared copy. Objects copied from input (structuredClone) carry their own copy of
 * every string: `apps/v1`, an image name, `IfNotPresent` once per pod instead of once.
 */
export class SharedStrings {
  private readonly table = new Map<string, string>();

  freeze<T>(value: T): T {
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const v = record[k];
      if (typeof v === 'string') {
        if (v.length <= MAX_SHARED_LENGTH) record[k] = this.share(v);
      } else if (v !== null && typeof v === 'object') this.freeze(v);
    }
    return Object.freeze(value);
  }

  private share(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    if (this.table.size >= MAX_SHARED) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}
