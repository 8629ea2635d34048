import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../main/core/cluster/kube-http-client.ts';
import type { KubeHttpClient } from '../../../main/core/cluster/kube-http-types.ts';
import { findIstiod, readSyncz, reasonFor } from '../../../main/core/proxies/istiod-syncz.ts';
import { createProxyConfirmations } from '../../../main/core/proxies/proxy-confirmations.ts';

const at = { namespace: 'istio-system', name: 'istiod' };
const nonce = (push: number) =>
  `2026-12-05T08:00:0${push}Z/${push}0000000${push}-aaaa-4bbb-accc-00000000000${push}`;
const proxy = (id: string, sent: number, acked: number, type = 'sidecar') => ({
  proxy: id,
  proxy_type: type,
  route_sent: nonce(sent),
  route_acked: nonce(acked),
  cluster_sent: nonce(sent),
  cluster_acked: nonce(acked),
});

/** A client whose syncz answers are taken from `answers` in turn (the last one repeats). */
function fakeClient(answers: Array<unknown[] | Error>): KubeHttpClient & { paths: string[] } {
  const paths: string[] = [];
  let i = 0;
  return {
    server: 'https://fake',
    paths,
    async request<T>({ path }: { path: string }): Promise<T> {
      paths.push(path);
      if (path.endsWith('/services/istiod')) return {} as T;
      const a = answers[Math.min(i++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a as T;
    },
    stream: async () => {},
  };
}

function service(client: KubeHttpClient) {
  let t = 0;
  return createProxyConfirmations({
    target: async () => ({ client, host: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' }),
    now: () => (t += 100),
    sleep: async () => {},
  });
}

describe('proxy confirmations', () => {
  it('reads syncz through the service proxy of istiod:15014 and measures against the baseline of markChange', async () => {
    const client = fakeClient([
      [proxy('a.bookinfo', 1, 1), proxy('gw.istio-system', 1, 1, 'router'), proxy('x.shop', 1, 1)],
      [proxy('a.bookinfo', 2, 2), proxy('gw.istio-system', 2, 1, 'router'), proxy('x.shop', 2, 2)],
      [proxy('a.bookinfo', 2, 2), proxy('gw.istio-system', 2, 2, 'router'), proxy('x.shop', 2, 2)],
    ]);
    const p = service(client);
    await p.markChange('c', 'r');
    expect(client.paths.at(-1)).toBe(
      '/api/v1/namespaces/istio-system/services/istiod:15014/proxy/debug/syncz',
    );
    const readings: number[] = [];
    const last = await p.waitForProxies('c', 'r', {
      onReading: (v) => {
        if (v.known) readings.push(v.inEffect);
      },
    });
    expect(readings).toEqual([1, 2]);
    expect(last).toMatchObject({
      known: true,
      inEffect: 2,
      total: 2,
      stale: [],
      host: 'reviews.bookinfo.svc.cluster.local',
    });
    expect(last.known && last.counted).toBe('1 sidecar in namespace bookinfo and 1 gateway');
  });

  it('stops waiting at the timeout with the stale proxies named', async () => {
    const client = fakeClient([[proxy('a.bookinfo', 1, 1)], [proxy('a.bookinfo', 2, 1)]]);
    const p = service(client);
    await p.markChange('c', 'r');
    const last = await p.waitForProxies('c', 'r', { timeoutMs: 1000, intervalMs: 200 });
    expect(last).toMatchObject({ known: true, inEffect: 0, total: 1, stale: [{ id: 'a.bookinfo' }] });
  });

  it('answers known: false at once when the status is hidden, and keeps asking while it is a passing trouble', async () => {
    const forbidden = new KubeApiError(403, 'services "istiod:15014" is forbidden', 'Forbidden');
    expect(await service(fakeClient([forbidden])).waitForProxies('c', 'r')).toMatchObject({
      known: false,
      retryable: false,
    });
    const client = fakeClient([
      new KubeApiError(503, 'no endpoints available', 'ServiceUnavailable'),
      [proxy('a.bookinfo', 1, 1)],
    ]);
    expect(await service(client).waitForProxies('c', 'r')).toMatchObject({ known: true, inEffect: 1 });
  });

  it('does not hold up an apply to read a status just found hidden', async () => {
    const client = fakeClient([new KubeApiError(403, 'forbidden', 'Forbidden')]);
    const p = service(client);
    expect(await p.convergence('c', 'r')).toMatchObject({ known: false });
    const asked = client.paths.length;
    await p.markChange('c', 'r');
    expect(client.paths).toHaveLength(asked);
  });

  it('gives no count for a change it has no baseline of, rather than count proxies still on the old config', async () => {
    const client = fakeClient([
      new KubeApiError(503, 'no endpoints', 'ServiceUnavailable'),
      [proxy('a.bookinfo', 1, 1)],
    ]);
    const p = service(client);
    await p.markChange('c', 'r');
    const v = await p.convergence('c', 'r');
    expect(v).toMatchObject({ known: false, retryable: false });
    expect(!v.known && v.reason).toMatch(
      /^no proxy status from just before the change to compare with \(.*no ready endpoint/,
    );
  });

  it('puts each way of being hidden into words', () => {
    expect(reasonFor(new KubeApiError(404, 'services "istiod" not found', 'NotFound'), at).reason).toBe(
      'no istiod Service istio-system/istiod in this cluster',
    );
    expect(reasonFor(new KubeApiError(404, 'answered 404: 404 page not found'), at).reason).toMatch(
      /the mesh's settings hide istiod's debug endpoints \(ENABLE_DEBUG_ON_HTTP=false\)$/,
    );
    expect(reasonFor(new KubeApiError(401, 'answered 401'), at).reason).toMatch(/debug auth/);
    expect(reasonFor(new KubeApiError(503, 'no endpoints', 'ServiceUnavailable'), at)).toEqual({
      reason: 'istiod istio-system/istiod:15014 /debug/syncz: istiod has no ready endpoint (no endpoints)',
      transient: true,
    });
    expect(reasonFor(new Error('ECONNRESET'), at).transient).toBe(true);
  });

  describe('with several istiod replicas', () => {
    const readyPod = (name: string) => ({
      metadata: { name },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    function replicaClient(podProxy: 'allowed' | 'forbidden'): KubeHttpClient & { paths: string[] } {
      const paths: string[] = [];
      return {
        server: 'https://fake',
        paths,
        async request<T>({ path }: { path: string }): Promise<T> {
          paths.push(path);
          const answer = (): unknown => {
            if (path.endsWith('/services/istiod')) return { spec: { selector: { app: 'istiod' } } };
            if (path.includes('/pods?labelSelector=app%3Distiod'))
              return {
                items: [readyPod('istiod-b'), readyPod('istiod-a'), { metadata: { name: 'istiod-c' } }],
              };
            if (path.includes('/pods/istiod-')) {
              if (podProxy === 'forbidden')
                throw new KubeApiError(403, 'pods "istiod-a" is forbidden', 'Forbidden');
              return path.includes('istiod-a') ? [proxy('a.bookinfo', 1, 1)] : [proxy('b.bookinfo', 1, 1)];
            }
            if (path.includes('/services/istiod:15014/proxy/debug/syncz')) return [proxy('a.bookinfo', 1, 1)];
            throw new Error(`unexpected ${path}`);
          };
          return answer() as T;
        },
        stream: async () => {},
      };
    }

    it('reads every ready replica through its pod proxy and joins their proxies', async () => {
      const client = replicaClient('allowed');
      const read = await readSyncz(client, await findIstiod(client));
      expect(read.ok && read.proxies.map((p) => p.id).sort()).toEqual(['a.bookinfo', 'b.bookinfo']);
      expect(read.ok && read.source).toBe(
        '2 istiod replicas in istio-system (istiod-a, istiod-b:15014) /debug/syncz',
      );
      expect(client.paths).toContain('/api/v1/namespaces/istio-system/pods/istiod-a:15014/proxy/debug/syncz');
    });

    it("asks for the Service's syncz without waiting for the replica list (one round trip, not two)", async () => {
      const paths: string[] = [];
      let answerPods: (pods: unknown) => void = () => {};
      const client: KubeHttpClient = {
        server: 'https://fake',
        request<T>({ path }: { path: string }): Promise<T> {
          paths.push(path);
          if (path.includes('/pods?labelSelector='))
            return new Promise<T>((resolve) => {
              answerPods = resolve as (pods: unknown) => void;
            });
          return Promise.resolve([proxy('a.bookinfo', 1, 1)] as T);
        },
        stream: async () => {},
      };
      const read = readSyncz(client, { ...at, selector: { app: 'istiod' } });
      await new Promise((r) => setTimeout(r, 0));
      // The replica list has not answered, and the Service's syncz is asked already.
      expect([...paths].sort()).toEqual([
        '/api/v1/namespaces/istio-system/pods?labelSelector=app%3Distiod',
        '/api/v1/namespaces/istio-system/services/istiod:15014/proxy/debug/syncz',
      ]);
      answerPods({ items: [readyPod('istiod-a')] });
      expect(await read).toMatchObject({ ok: true, source: 'istiod istio-system/istiod:15014 /debug/syncz' });
      expect(paths).toHaveLength(2);
    });

    it('falls back to the Service when pods/proxy is denied, and says the others are not counted', async () => {
      const client = replicaClient('forbidden');
      const read = await readSyncz(client, await findIstiod(client));
      expect(read.ok && read.proxies.map((p) => p.id)).toEqual(['a.bookinfo']);
      expect(read.ok && read.source).toBe('istiod istio-system/istiod:15014 /debug/syncz');
      expect(read.ok && read.partial).toMatch(
        /^read from one of 2 istiod replicas; the proxies connected to the others are not counted \(.*get pods\/proxy in istio-system/,
      );
    });
  });
});

describe('planned reads of the proxy status', () => {
  type Entry = ReturnType<typeof proxy>;
  /** A mesh whose proxies the test sets; its istiod honours `?namespace=` unless told otherwise. */
  function meshClient(opts: { honoursFilter: boolean }) {
    const paths: string[] = [];
    const mesh = { proxies: [] as Entry[] };
    const client: KubeHttpClient = {
      server: 'https://fake',
      async request<T>({ path }: { path: string }): Promise<T> {
        paths.push(path);
        if (path.endsWith('/services/istiod')) return {} as T;
        const ns = new URL(path, 'https://fake').searchParams.get('namespace');
        const all = mesh.proxies;
        return (ns && opts.honoursFilter ? all.filter((p) => p.proxy.endsWith(`.${ns}`)) : all) as T;
      },
      stream: async () => {},
    };
    return { client, paths, mesh };
  }
  const FULL = '/api/v1/namespaces/istio-system/services/istiod:15014/proxy/debug/syncz';
  const ofNamespace = (ns: string) => `${FULL}?namespace=${ns}`;

  function confirmations(client: KubeHttpClient) {
    const clock = { t: 1_000_000 };
    const p = createProxyConfirmations({
      target: async () => ({ client, host: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo' }),
      now: () => clock.t,
      sleep: async () => {},
    });
    return { p, clock };
  }

  const meshBefore = () => [
    proxy('a.bookinfo', 1, 1),
    proxy('gw.istio-system', 1, 1, 'router'),
    proxy('wp.ledger', 1, 1, 'router'),
    proxy('x.shop', 1, 1),
  ];

  it('reads only the release namespace and the gateway namespaces while the last whole read is fresh', async () => {
    const { client, paths, mesh } = meshClient({ honoursFilter: true });
    mesh.proxies = meshBefore();
    const { p, clock } = confirmations(client);
    await p.prepare('c', 'r');
    expect(paths.filter((x) => x.includes('/debug/syncz'))).toEqual([FULL]);
    clock.t += 20_000;
    paths.length = 0;
    await p.markChange('c', 'r');
    expect(paths.sort()).toEqual([
      ofNamespace('bookinfo'),
      ofNamespace('istio-system'),
      ofNamespace('ledger'),
    ]);
    // The change is pushed and acknowledged: counted from the namespaced reads, all of them.
    mesh.proxies = mesh.proxies.map((e) => proxy(e.proxy, 2, 2, e.proxy_type));
    paths.length = 0;
    const v = await p.convergence('c', 'r');
    expect(v).toMatchObject({ known: true, inEffect: 3, total: 3, stale: [] });
    expect(v.known && v.counted).toBe('1 sidecar in namespace bookinfo and 2 gateways');
    expect(paths.every((x) => x.includes('?namespace='))).toBe(true);
  });

  it('does not read the whole mesh again at review while the last whole read is fresh', async () => {
    const { client, paths, mesh } = meshClient({ honoursFilter: true });
    mesh.proxies = meshBefore();
    const { p, clock } = confirmations(client);
    await p.prepare('c', 'r');
    clock.t += 10_000;
    await p.prepare('c', 'r');
    expect(paths.filter((x) => x === FULL)).toHaveLength(1);
  });

  it('reads the whole mesh before the write when the last whole read is 30 s old', async () => {
    const { client, paths, mesh } = meshClient({ honoursFilter: true });
    mesh.proxies = meshBefore();
    const { p, clock } = confirmations(client);
    await p.prepare('c', 'r');
    clock.t += 30_000;
    paths.length = 0;
    await p.markChange('c', 'r');
    expect(paths).toEqual([FULL]);
  });

  it('takes a namespaced answer with other namespaces in it as a whole read, and reads whole from then on', async () => {
    const { client, paths, mesh } = meshClient({ honoursFilter: false });
    mesh.proxies = meshBefore();
    const { p, clock } = confirmations(client);
    await p.prepare('c', 'r');
    clock.t += 1000;
    paths.length = 0;
    await p.markChange('c', 'r');
    expect(paths.every((x) => x.includes('?namespace='))).toBe(true);
    // The baseline covers the whole mesh: a gateway of any namespace is compared.
    mesh.proxies = [
      ...meshBefore().map((e) => proxy(e.proxy, 2, 2, e.proxy_type)),
      proxy('gw.edge', 2, 2, 'router'),
    ];
    paths.length = 0;
    const v = await p.convergence('c', 'r');
    expect(paths).toEqual([FULL]);
    expect(v).toMatchObject({ known: true, inEffect: 4, total: 4 });
  });

  it('never counts as confirmed a proxy of a namespace the baseline did not cover', async () => {
    const opts = { honoursFilter: true };
    const { client, mesh } = meshClient(opts);
    mesh.proxies = meshBefore();
    const { p, clock } = confirmations(client);
    await p.prepare('c', 'r');
    clock.t += 1000;
    // A gateway the whole read did not see (its namespace is not read before the write)...
    mesh.proxies = [...meshBefore(), proxy('gw.edge', 1, 1, 'router')];
    await p.markChange('c', 'r');
    // ...then an istiod that answers everything (e.g. replaced by an older one): gw.edge looks
    // synced on a push it had before the change.
    opts.honoursFilter = false;
    mesh.proxies = [
      ...meshBefore().map((e) => proxy(e.proxy, 2, 2, e.proxy_type)),
      proxy('gw.edge', 1, 1, 'router'),
    ];
    const v = await p.convergence('c', 'r');
    expect(v).toMatchObject({ known: true, inEffect: 3, total: 4 });
    expect(v.known && v.stale).toEqual([
      {
        id: 'gw.edge',
        kind: 'gateway',
        why: 'not compared: the proxy status read before the change did not cover namespace edge',
      },
    ]);
  });
});
