import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import type { PlanView, ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { CallName, CallRequest, EventName } from '../../../shared/api/contract.ts';
import type { DraftCompareView, DraftView } from '../../../shared/api/draft-schemas.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';

type Handler = (request: never) => ApiResult<unknown> | Promise<ApiResult<unknown>>;

/** A fake contract client: answers from handlers, records every call, and emits events on demand. */
export function fakeApi(handlers: Partial<Record<CallName, Handler>>) {
  const calls: { channel: CallName; request: unknown }[] = [];
  const listeners = new Map<EventName, ((payload: unknown) => void)[]>();
  const api = {
    transport: {} as ApiClient['transport'],
    async call(channel: CallName, request: unknown) {
      calls.push({ channel, request });
      const h = handlers[channel];
      return h
        ? h(request as never)
        : { ok: false, error: { code: 'unavailable', message: 'drafts are not built yet' } };
    },
    on(event: EventName, listener: (payload: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return () => {};
    },
  } as unknown as ApiClient;
  const emit = (event: EventName, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const sent = <C extends CallName>(channel: C) =>
    calls.filter((c) => c.channel === channel).map((c) => c.request as CallRequest<C>);
  return { api, calls, emit, sent };
}

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });

/** A release view with these versions and weights (every version declared, one ready pod each). */
export function releaseViewFixture(
  weights: Record<string, number>,
  at: Pick<ReleaseView, 'releaseId' | 'contextId' | 'namespace' | 'host' | 'name'>,
): ReleaseView {
  return {
    ...at,
    flavor: 'istio',
    editable: true,
    readOnlyReasons: [],
    versions: Object.entries(weights).map(([name, weight]) => ({
      name,
      labels: { version: name },
      deployments: [],
      podsReady: 1,
      podsTotal: 1,
      restarts: 0,
      weight,
      declared: true,
    })),
    rules: [],
    mirrors: [],
    lint: [],
    sources: [],
  };
}

export function draftRelease(id: string, weights: Record<string, number>): ReleaseView {
  return releaseViewFixture(weights, {
    releaseId: 'istio:bookinfo/reviews',
    contextId: `draft:${id}`,
    namespace: 'bookinfo',
    host: 'reviews.bookinfo.svc.cluster.local',
    name: 'reviews',
  });
}

export function draftView(
  id: string,
  weights: Record<string, number>,
  extra: Partial<DraftView> = {},
): DraftView {
  return {
    id,
    name: `Canary ${id}`,
    notes: '',
    contextId: 'demo',
    namespace: 'bookinfo',
    host: 'reviews.bookinfo.svc.cluster.local',
    releaseId: 'istio:bookinfo/reviews',
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T10:00:00Z',
    baseSource: 'cache',
    baseCapturedAt: '2025-01-01T10:00:00Z',
    summary: Object.entries(weights)
      .map(([v, w]) => `${v} ${w}%`)
      .join(', '),
    changedObjects: 0,
    release: draftRelease(id, weights),
    baseRelease: draftRelease(id, weights),
    diff: [],
    ...extra,
  };
}

export const plan: PlanView = {
  planId: 'plan-1',
  contextId: 'demo',
  releaseId: 'istio:bookinfo/reviews',
  summary: 'v1 80%, v2 20%',
  steps: [
    {
      id: 's1',
      description: 'Set the split',
      target: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
      beforeYaml: 'weight: 100',
      afterYaml: 'weight: 80',
      dryRun: { ok: true },
    },
  ],
  lint: [],
};

/** One object with two overlaps (a weight and a whole rule), the cluster having moved both. */
export function compareView(id: string, liveWeight = '50'): DraftCompareView {
  return {
    draftId: id,
    contextId: 'demo',
    comparedAt: '2025-01-02T10:00:00Z',
    ok: false,
    objects: [
      {
        kind: 'VirtualService',
        namespace: 'bookinfo',
        name: 'reviews',
        outcome: 'conflict',
        liveChanged: true,
        baseYaml: 'weight: 100',
        draftYaml: 'weight: 80',
        liveYaml: `weight: ${liveWeight}`,
        mergedYaml: '',
        conflicts: [
          {
            path: '/spec/http/0/route/0/weight',
            baseYaml: '100',
            draftYaml: '80',
            liveYaml: liveWeight,
          },
          { path: '/spec/http/1', baseYaml: '', draftYaml: 'match: []', liveYaml: 'match: [x]' },
        ],
      },
      {
        kind: 'DestinationRule',
        namespace: 'bookinfo',
        name: 'reviews',
        outcome: 'merged',
        liveChanged: true,
        baseYaml: 'a: 1',
        draftYaml: 'a: 2',
        liveYaml: 'a: 1\nb: 1',
        mergedYaml: 'a: 2\nb: 1',
        conflicts: [],
      },
    ],
  };
}
