// Which URLs the desktop app hands to the operating system (shell.openExternal): the app's own
// documentation and the link prefixes the operator listed in external-links.json. Pure.

/** The app's own documentation. */
export const appDocsPrefixes: readonly string[] = ['https://switchyard.io/docs/'];

/** The file in the data folder where the operator lists extra link prefixes. */
export const externalLinksFileName = 'external-links.json';
export const maxExternalLinksFileBytes = 64 * 1024;
const maxPrefixes = 200;

export interface LinkAllowList {
  prefixes: string[];
  /** Entries that were left out, each with its reason. */
  problems: string[];
}

/** Checks one configured prefix; returns its normalized form or why it is refused. */
export function normalizeLinkPrefix(entry: unknown): { prefix: string } | { problem: string } {
  if (typeof entry !== 'string') return { problem: `${JSON.stringify(entry)} is not a string` };
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { problem: `'${entry}' is not an absolute URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `'${entry}' is not an http or https URL` };
  }
  if (url.username || url.password) return { problem: `'${entry}' carries credentials` };
  if (url.search || url.hash) return { problem: `'${entry}' has a query or fragment; list a path prefix` };
  return { prefix: url.href };
}

/**
 * Reads external-links.json: `{ "allow": ["https://grafana.example.com/d/", …] }`. A file that is
 * not that shape allows nothing extra and says why; a bad entry is left out and reported.
 */
export function parseLinkAllowList(text: string): LinkAllowList {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { prefixes: [], problems: [`${externalLinksFileName} is not JSON: ${(err as Error).message}`] };
  }
  const allow = (data as { allow?: unknown } | null)?.allow;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Array.isArray(allow)) {
    return {
      prefixes: [],
      problems: [`${externalLinksFileName} must be an object with an "allow" array of URL prefixes`],
    };
  }
  const prefixes: string[] = [];
  const problems: string[] = [];
  if (allow.length > maxPrefixes) problems.push(`only the first ${maxPrefixes} entries are used`);
  for (const entry of allow.slice(0, maxPrefixes)) {
    const checked = normalizeLinkPrefix(entry);
    if ('prefix' in checked) prefixes.push(checked.prefix);
    else problems.push(checked.problem);
  }
  return { prefixes, problems };
}

/**
 * Whether `target` may be opened outside the app: same scheme, host and port as one prefix, and a
 * path that is the prefix's path or continues it after a '/'. No credentials in the target.
 */
export function isExternalLinkAllowed(target: string, prefixes: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return false;
  return prefixes.some((p) => {
    const prefix = new URL(p);
    if (prefix.origin !== url.origin) return false;
    const base = prefix.pathname;
    if (base.endsWith('/')) return url.pathname.startsWith(base);
    return url.pathname === base || url.pathname.startsWith(`${base}/`);
  });
}
