import { useEffect } from 'react';
import type { ClustersStore } from '../stores/clusters-store.ts';
import { placeOf } from '../stores/clusters-store.ts';
import { formatPlaceHash, type HashPlace, parsePlaceHash } from './location-hash.ts';

function currentPlace(clusters: ClustersStore): HashPlace | undefined {
  const s = clusters.getState();
  if (!s.activeContextId) return undefined;
  const releaseId = placeOf(s, s.activeContextId).releaseId;
  return releaseId ? { contextId: s.activeContextId, releaseId } : { contextId: s.activeContextId };
}

/**
 * This page's URL with another hash. Only the hash changes: a file:// page (Electron) may not
 * change its path through the history API, and browser mode's token stays in the query.
 */
function withHash(hash: string): string {
  const url = new URL(window.location.href);
  url.hash = hash;
  return url.href;
}

/** Opens the place a hash names: its context (connecting it if needed) and its service. */
async function goTo(clusters: ClustersStore, place: HashPlace | undefined): Promise<void> {
  if (!place) return;
  const s = clusters.getState();
  s.setPlace(place.contextId, { releaseId: place.releaseId });
  if (s.activeContextId !== place.contextId) await s.switchTo(place.contextId);
}

/**
 * Loads the clusters, starting at the place in the URL when there is one, then keeps the URL and
 * the open place in step: opening a service adds a history entry, Back and Forward reopen.
 */
export function usePlaceInUrl(clusters: ClustersStore): void {
  useEffect(() => {
    const start = parsePlaceHash(window.location.hash);
    if (start) {
      // Claim the context before load() picks the most recent one, so only this one opens.
      clusters.setState({ activeContextId: start.contextId });
      clusters.getState().setPlace(start.contextId, { releaseId: start.releaseId });
    }
    void clusters
      .getState()
      .load()
      .then(async () => {
        if (!start) return;
        const s = clusters.getState();
        // load() may have opened it already: the page started on it (the hash a reload keeps).
        if (s.attempted[start.contextId]) return;
        if (s.contexts.some((c) => c.id === start.contextId)) await s.switchTo(start.contextId);
        else {
          // A context no longer in the kubeconfig: start where the app would without the URL.
          clusters.setState({ activeContextId: undefined });
          await clusters.getState().load();
        }
      });

    let written = formatPlaceHash(currentPlace(clusters));
    // The context the page started on from its first answers (no hash named one) is in the URL
    // at once, as one that load() opens would be.
    if (written !== '' && window.location.hash !== written)
      window.history.replaceState(null, '', withHash(written));
    const unsubscribe = clusters.subscribe(() => {
      const hash = formatPlaceHash(currentPlace(clusters));
      if (hash === written) return;
      const replace = written === '' || hash === '' || window.location.hash === '';
      written = hash;
      if (hash === window.location.hash) return;
      // Where the app starts (or a place it could not open) replaces the entry; every later place
      // is a step Back returns to.
      const url = withHash(hash);
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
    });
    const onPop = () => {
      const place = parsePlaceHash(window.location.hash);
      if (place && !clusters.getState().contexts.some((c) => c.id === place.contextId)) {
        // A hand-edited hash naming no context: stay, and show where the operator is.
        written = formatPlaceHash(currentPlace(clusters));
        window.history.replaceState(null, '', withHash(written));
        return;
      }
      written = formatPlaceHash(place);
      if (place) void goTo(clusters, place);
      else {
        const active = clusters.getState().activeContextId;
        if (active) clusters.getState().setPlace(active, { releaseId: undefined });
      }
    };
    window.addEventListener('popstate', onPop);
    return () => {
      unsubscribe();
      window.removeEventListener('popstate', onPop);
    };
  }, [clusters]);
}
