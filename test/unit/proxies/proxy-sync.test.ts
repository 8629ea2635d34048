import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  countInEffect,
  type ProxySync,
  parseSyncz,
  proxiesServing,
  pushVersionOf,
  xdsStatus,
} from '../../../shared/proxies/proxy-sync.ts';

const uuid = (n: number) => `0000000${n}-aaaa-4bbb-accc-${String(n).padStart(12, '0')}`;
const nonce = (push: number, n = push) => `2026-12-05T08:00:0${push}Z/${push}${uuid(n)}`;

/** One entry as istiod's /debug/syncz writes it. */
function entry(proxy: string, type: string, route: [string, string?], cluster: [string, string?] = route) {
  return {
    cluster_id: 'Kubernetes',
    proxy,
    proxy_type: type,
    istio_version: '1.27.1',
    cluster_sent: cluster[0],
    ...(cluster[1] ? { cluster_acked: cluster[1] } : {}),
    route_sent: route[0],
    ...(route[1] ? { route_acked: route[1] } : {}),
    listener_sent: route[0],
    listener_acked: route[0],
  };
}

function parsed(body: unknown): ProxySync[] {
  const r = parseSyncz(body);
  if (!r.ok) throw new Error(r.reason);
  return r.proxies;
}

describe('parseSyncz', () => {
  it('reads each proxy with its pod, namespace, type and sent/acked nonces per xDS type', () => {
    const [p] = parsed([entry('reviews-v1-abc-x1.bookinfo', 'sidecar', [nonce(1), nonce(1)])]);
    expect(p).toMatchObject({
      id: 'reviews-v1-abc-x1.bookinfo',
      pod: 'reviews-v1-abc-x1',
      namespace: 'bookinfo',
      type: 'sidecar',
      istioVersion: '1.27.1',
    });
    expect(p?.xds.route).toEqual({ sent: nonce(1), acked: nonce(1) });
    expect(p?.xds.endpoint).toBeUndefined();
  });

  it('says why an answer is not proxy status, instead of guessing', () => {
    expect(parseSyncz({ kind: 'Status' })).toEqual({
      ok: false,
      reason: 'the answer is not a list of proxy sync statuses',
    });
    expect(parseSyncz([{ cluster_sent: 'x' }])).toMatchObject({ ok: false });
    expect(parseSyncz([null])).toMatchObject({ ok: false });
    expect(parseSyncz([])).toEqual({ ok: true, proxies: [] });
  });
});

describe('nonces and statuses', () => {
  it('takes the push version off the UUID, and leaves a bare UUID (older istiod) empty', () => {
    expect(pushVersionOf(nonce(7))).toBe('2026-12-05T08:00:07Z/7');
    expect(pushVersionOf(uuid(3))).toBe('');
  });

  it('says SYNCED, STALE and NOT SENT as istioctl proxy-status does', () => {
    expect(xdsStatus(nonce(1), nonce(1))).toBe('synced');
    expect(xdsStatus(nonce(2), nonce(1))).toBe('stale');
    expect(xdsStatus(nonce(2), undefined)).toBe('stale');
    expect(xdsStatus(undefined, undefined)).toBe('not-sent');
  });
});

describe('proxiesServing', () => {
  it("counts the host namespace's sidecars and every gateway, not sidecars elsewhere", () => {
    const all = parsed([
      entry('productpage-v1-a-1.bookinfo', 'sidecar', [nonce(1), nonce(1)]),
      entry('cart-v1-a-1.shop', 'sidecar', [nonce(1), nonce(1)]),
      entry('istio-ingressgateway-a-1.istio-system', 'router', [nonce(1), nonce(1)]),
    ]);
    expect(proxiesServing(all, 'bookinfo').map((p) => p.id)).toEqual([
      'productpage-v1-a-1.bookinfo',
      'istio-ingressgateway-a-1.istio-system',
    ]);
  });

  it('knows a gateway by its pod name when istiod does not report the proxy type', () => {
    const [gw] = parsed([{ proxy: 'istio-ingressgateway-a-1.istio-system', route_sent: nonce(1) }]);
    expect(proxiesServing(gw ? [gw] : [], 'bookinfo')).toHaveLength(1);
  });
});

describe('countInEffect', () => {
  const before = parsed([
    entry('a.bookinfo', 'sidecar', [nonce(1), nonce(1)]),
    entry('b.bookinfo', 'sidecar', [nonce(1), nonce(1)]),
    entry('gw.istio-system', 'router', [nonce(1), nonce(1)]),
  ]);
  const baseline = baselineOf(before);

  it('counts nobody before istiod pushed the change: the acknowledged config is the old one', () => {
    const r = countInEffect(before, baseline);
    expect(r).toMatchObject({ inEffect: 0, total: 3 });
    expect(r.stale[0]?.why).toBe('no route push since the change; no cluster push since the change');
  });

  it('counts a proxy once it acknowledged a push newer than the change for routes and clusters', () => {
    const now = parsed([
      entry('a.bookinfo', 'sidecar', [nonce(2), nonce(2)]),
      entry('b.bookinfo', 'sidecar', [nonce(2), nonce(1)]),
      entry('gw.istio-system', 'router', [nonce(2), nonce(2)], [nonce(2), nonce(1)]),
    ]);
    const r = countInEffect(now, baseline);
    expect(r.inEffect).toBe(1);
    expect(r.total).toBe(3);
    expect(r.stale).toEqual([
      {
        id: 'b.bookinfo',
        kind: 'sidecar',
        why: 'route push 2026-12-05T08:00:02Z/2 not acknowledged; cluster push 2026-12-05T08:00:02Z/2 not acknowledged',
      },
      { id: 'gw.istio-system', kind: 'gateway', why: 'cluster push 2026-12-05T08:00:02Z/2 not acknowledged' },
    ]);
  });

  it('counts a proxy that connected after the change (it got the whole new configuration)', () => {
    const now = parsed([entry('c.bookinfo', 'sidecar', [nonce(3), nonce(3)])]);
    expect(countInEffect(now, baseline)).toMatchObject({ inEffect: 1, total: 1, stale: [] });
  });

  it('never counts a proxy of a namespace the baseline did not cover: its absence from it says nothing', () => {
    const now = parsed([
      entry('a.bookinfo', 'sidecar', [nonce(2), nonce(2)]),
      entry('gw.edge', 'router', [nonce(2), nonce(2)]),
    ]);
    const covered = new Set(['bookinfo', 'istio-system']);
    const r = countInEffect(now, baseline, covered);
    expect(r).toMatchObject({ inEffect: 1, total: 2 });
    expect(r.stale).toEqual([
      {
        id: 'gw.edge',
        kind: 'gateway',
        why: 'not compared: the proxy status read before the change did not cover namespace edge',
      },
    ]);
    // Covered, it is one that connected after the change.
    expect(countInEffect(now, baseline, new Set([...covered, 'edge']))).toMatchObject({ inEffect: 2 });
  });

  it('without a baseline counts the proxies synced with the latest push', () => {
    const now = parsed([
      entry('a.bookinfo', 'sidecar', [nonce(2), nonce(2)]),
      entry('b.bookinfo', 'sidecar', [nonce(2)]),
    ]);
    const r = countInEffect(now);
    expect(r).toMatchObject({ inEffect: 1, total: 2 });
    expect(r.stale[0]?.why).toBe('route never acknowledged; cluster never acknowledged');
  });
});
