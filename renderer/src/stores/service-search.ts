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

type Filter = (list: readonly ServiceSummary[], search: string, namespace: string) => ServiceSummary[];

/**
 * `filter` with a memory of its last answer: while the operator types on (the new search starts
 * with the last one, over the same list and namespace), every match of the new search is among the
 * last matches (each word only grew or was added), so only those are searched again.
 */
export function narrowingFilter(filter: Filter): Filter {
  let last:
    | { list: readonly ServiceSummary[]; search: string; namespace: string; hits: ServiceSummary[] }
    | undefined;
  return (list, search, namespace) => {
    const lower = search.toLowerCase();
    const narrower =
      last !== undefined &&
      last.list === list &&
      last.namespace === namespace &&
      last.search !== '' &&
      lower.startsWith(last.search);
    const hits = narrower ? filter(last?.hits ?? list, search, namespace) : filter(list, search, namespace);
    last = { list, search: lower, namespace, hits };
    return hits;
  };
}
