import { useEffect, useMemo, useState } from 'react';
import type {
  DesiredReleaseInput,
  PreviewView,
  ReleaseView,
} from '../../../../shared/api/console-schemas.ts';
import { DRAFT_CONTEXT_PREFIX } from '../../../../shared/api/draft-context.ts';
import type { ApiClient } from '../../api/api-client.ts';
import { metricsStoreFor } from '../../stores/metrics-store.ts';
import type { TrafficFigures } from './traffic-figures.ts';
import { bestFigures, estimatedFigures, measuredFigures } from './traffic-figures.ts';

/** The release as it is in the cluster, as a desired input that changes nothing. */
export function unchangedInput(view: ReleaseView): DesiredReleaseInput {
  return {
    split: view.versions.map((v) => ({ version: v.name, weight: v.weight })),
    rules: view.rules.map((r) => ({
      id: r.id,
      ...(r.name !== undefined ? { name: r.name } : {}),
      version: r.version,
      enabled: r.enabled,
    })),
  };
}

/** Where a desired (maybe unapplied) release would send the sample population; undefined until known. */
export function useEstimate(
  api: ApiClient,
  contextId: string,
  releaseId: string,
  desired: DesiredReleaseInput | undefined,
  enabled = true,
): PreviewView | undefined {
  const [preview, setPreview] = useState<PreviewView>();
  const key = desired && enabled ? JSON.stringify(desired) : undefined;
  useEffect(() => {
    if (!key) {
      setPreview(undefined);
      return;
    }
    let stale = false;
    void api
      .call('release.preview', { contextId, releaseId, desired: JSON.parse(key), sample: 'demo' })
      .then((r) => {
        if (!stale) setPreview(r.ok ? r.value : undefined);
      });
    return () => {
      stale = true;
    };
  }, [api, contextId, releaseId, key]);
  return preview;
}

export interface ReleaseTraffic {
  /** The figure to show: measured while requests flow, else estimated. */
  best: TrafficFigures | undefined;
  /** What the route as it is now sends (estimated), to show beside a lagging measurement. */
  estimated: TrafficFigures | undefined;
  measured: TrafficFigures | undefined;
}

/** Effective traffic of the open release: measured by the live metrics, estimated from the route. */
export function useReleaseTraffic(api: ApiClient, view: ReleaseView | undefined): ReleaseTraffic {
  const live = !!view && !view.snapshotAt && !view.contextId.startsWith(DRAFT_CONTEXT_PREFIX);
  // Re-estimated when the route objects change (their resourceVersions), not on every view event.
  const routeKey = view
    ? `${view.versions.map((v) => `${v.name}:${v.weight}`).join(',')}|${view.sources.map((s) => `${s.kind}/${s.name}@${s.resourceVersion ?? ''}`).join(',')}`
    : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: the route's resourceVersions say when the view's routing changed
  const desired = useMemo(() => (view ? unchangedInput(view) : undefined), [routeKey]);
  const preview = useEstimate(api, view?.contextId ?? '', view?.releaseId ?? '', desired, live);
  const snapshot = metricsStoreFor(api)((s) =>
    view && s.snapshot?.contextId === view.contextId && s.snapshot.releaseId === view.releaseId
      ? s.snapshot
      : undefined,
  );
  const mirrors = view?.mirrors;
  const measured = useMemo(() => measuredFigures(snapshot, mirrors), [snapshot, mirrors]);
  const estimated = useMemo(() => estimatedFigures(preview), [preview]);
  return useMemo(
    () => ({ best: bestFigures(measured, estimated), estimated, measured }),
    [measured, estimated],
  );
}
