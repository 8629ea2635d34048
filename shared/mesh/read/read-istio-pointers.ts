// The pointers and paths of one VirtualService's routes (`/spec/http/0`, `spec.http[0].route[1]`),
// and the "other route" entries built from them, while reading it into a ServiceRelease.

import type { IstioHTTPRoute, OtherRoute } from '../model/index.ts';

/**
 * Strings that depend only on small indexes (`/spec/http/0`), built once and shared: every
 * VirtualService has them, and reading 10,000 of them should not build 10,000 copies.
 */
const SHARED_INDEXES = 64;

function indexedText(make: (i: number) => string): (i: number) => string {
  const cache: string[] = [];
  return (i) => {
    if (i >= SHARED_INDEXES) return make(i);
    let text = cache[i];
    if (text === undefined) {
      text = make(i);
      cache[i] = text;
    }
    return text;
  };
}

function indexedText2(make: (i: number, j: number) => string): (i: number, j: number) => string {
  const perRow: Array<(j: number) => string> = [];
  return (i, j) => {
    if (i >= SHARED_INDEXES) return make(i, j);
    let row = perRow[i];
    if (row === undefined) {
      row = indexedText((k) => make(i, k));
      perRow[i] = row;
    }
    return row(j);
  };
}

export const httpPointer = indexedText((i) => `/spec/http/${i}`);
export const ruleId = indexedText((i) => `http:${i}`);
export const destinationPointer = indexedText2((i, j) => `/spec/http/${i}/route/${j}`);
export const destinationPath = indexedText2((i, j) => `spec.http[${i}].route[${j}]`);

/** Object literals rather than spreads: this runs for every route of every VirtualService. */
export function otherRoute(
  index: number,
  pointer: string,
  name: string | undefined,
  reason: string,
): OtherRoute {
  return name === undefined ? { index, pointer, reason } : { index, pointer, name, reason };
}

export function routeName(rt: IstioHTTPRoute): string | undefined {
  return typeof rt.name === 'string' ? rt.name : undefined;
}
