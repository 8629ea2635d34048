import type { ServiceSummary } from '../../../shared/api/console-schemas.ts';

// What the service search matches a word against, made once per service object (a delta brings a
// new object) instead of three strings lowercased per service per keystroke.

const keys = new WeakMap<ServiceSummary, string>();

/**
 * The lowercased name and namespace and the host as it is (hosts are matched as written), joined
 * by newlines: a search word never holds whitespace, so it is found in this key exactly when it is
 * found in one of the three.
 */
export function searchKeyOf(s: ServiceSummary): string {
  let key = keys.get(s);
  if (key === undefined) {
    key = `${s.name.toLowerCase()}\n${s.namespace.toLowerCase()}\n${s.host}`;
    keys.set(s, key);
  }
  return key;
}
