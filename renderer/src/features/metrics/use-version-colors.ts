import { useEffect, useMemo } from 'react';
import { assignVersionColors, colorOf, EMPTY_COLOR_BOOK } from '../../../../shared/metrics/version-colors.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { colorKey, metricsStoreFor } from '../../stores/metrics-store.ts';

/**
 * The colour of each version of one service, the same in its cards, split bar and charts, and
 * kept for the whole history on screen: versions appearing or disappearing move nobody's colour.
 * `versionList`: the release's version names joined by NUL (a string, so that slider moves that
 * do not change the set of versions do not make a new function).
 */
export function useVersionColors(
  api: ApiClient,
  contextId: string,
  releaseId: string,
  versionList: string | undefined,
): (version: string) => string {
  const store = metricsStoreFor(api);
  const book = store((s) => s.colors[colorKey(contextId, releaseId)] ?? EMPTY_COLOR_BOOK);
  const next = useMemo(
    () => assignVersionColors(book, versionList ? versionList.split('\u0000') : []),
    [book, versionList],
  );
  useEffect(() => {
    if (next !== book && versionList)
      store.getState().noteVersions(contextId, releaseId, versionList.split('\u0000'));
  }, [store, book, next, contextId, releaseId, versionList]);
  return useMemo(() => (version: string) => colorOf(next, version), [next]);
}
