// The open place (cluster context and service) in the page's hash, so a reload, Back and Forward
// return to it. The hash works alike in browser mode (the token stays in the query string) and in
// Electron (a file:// page, where only the hash may change without a navigation).

export interface HashPlace {
  contextId: string;
  releaseId?: string;
}

/** `#/c/<context>` or `#/c/<context>/s/<release>`, each part URI-encoded. */
export function formatPlaceHash(place: HashPlace | undefined): string {
  if (!place) return '';
  const context = `#/c/${encodeURIComponent(place.contextId)}`;
  return place.releaseId ? `${context}/s/${encodeURIComponent(place.releaseId)}` : context;
}

/** The place a hash names; undefined for an empty, foreign or malformed hash. */
export function parsePlaceHash(hash: string): HashPlace | undefined {
  const m = /^#\/c\/([^/]+)(?:\/s\/([^/]+))?$/.exec(hash);
  if (!m?.[1]) return undefined;
  try {
    const contextId = decodeURIComponent(m[1]);
    const releaseId = m[2] ? decodeURIComponent(m[2]) : undefined;
    if (!contextId) return undefined;
    return releaseId ? { contextId, releaseId } : { contextId };
  } catch {
    // A stray % that does not decode: not a place this app wrote.
    return undefined;
  }
}
