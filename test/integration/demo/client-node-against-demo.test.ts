import {
  ApiException,
  AppsV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';

const vs = (name: string, weight: number) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'bookinfo' },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight }] }] },
});
const vsApi = {
  group: 'networking.istio.io',
  version: 'v1',
  namespace: 'bookinfo',
  plural: 'virtualservices',
};

function waitFor<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = check();
      if (v !== undefined) return resolve(v);
      if (Date.now() - start > ms) return reject(new Error('timed out waiting'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe.each([
  { label: 'over HTTPS with the generated CA', http: false },
  { label: 'over plain HTTP', http: true },
])('@kubernetes/client-node 1.4 against the demo mesh $label', ({ http }) => {
  let mesh: DemoMesh;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    mesh = await startDemoMesh({ http, simulation: false });
    kc = new KubeConfig();
    kc.loadFromString(mesh.kubeconfigYaml);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  it('lists virtual services and reads deployments through the typed clients', async () => {
    const list = (await custom.listNamespacedCustomObject(vsApi)) as KubernetesListObject<KubernetesObject>;
    expect(list.items.map((i) => i.metadata?.name)).toContain('reviews');
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    const deployments = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'bookinfo' });
    expect(deployments.items.some((d) => d.metadata?.name === 'reviews-v1')).toBe(true);
  });

  it('Watch delivers ADDED and MODIFIED events for changes after the listed resourceVersion', async () => {
    const list = (await custom.listNamespacedCustomObject(vsApi)) as KubernetesListObject<KubernetesObject>;
    const events: Array<[string, string | undefined]> = [];
    const watch = new Watch(kc);
    const ctrl = await watch.watch(
      '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices',
      { resourceVersion: list.metadata?.resourceVersion ?? '0', allowWatchBookmarks: true },
      (phase, obj) => events.push([phase, obj?.metadata?.name]),
      () => {},
    );
    await custom.createNamespacedCustomObject({ ...vsApi, body: vs('cn-watch', 100) });
    await custom.patchNamespacedCustomObject(
      { ...vsApi, name: 'cn-watch', body: { metadata: { labels: { seen: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor(() => (events.length >= 2 ? true : undefined));
    ctrl.abort();
    expect(events).toEqual([
      ['ADDED', 'cn-watch'],
      ['MODIFIED', 'cn-watch'],
    ]);
  });

  it('an informer keeps its cache in step with the server', async () => {
    const path = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices';
    const informer = makeInformer(
      kc,
      path,
      () => custom.listNamespacedCustomObject(vsApi) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    await informer.start();
    try {
      expect(informer.get('reviews', 'bookinfo')).toBeDefined();
      await custom.createNamespacedCustomObject({ ...vsApi, body: vs('cn-informer', 100) });
      await waitFor(() => informer.get('cn-informer', 'bookinfo'));
      await custom.deleteNamespacedCustomObject({ ...vsApi, name: 'cn-informer' });
      await waitFor(() => (informer.get('cn-informer', 'bookinfo') ? undefined : true));
    } finally {
      await informer.stop();
    }
  });

  it('merge patch changes the weight and bumps resourceVersion and generation', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...vsApi,
      body: vs('cn-merge', 100),
    })) as KubernetesObject & { metadata: { generation: number } };
    const patched = (await custom.patchNamespacedCustomObject(
      {
        ...vsApi,
        name: 'cn-merge',
        body: {
          spec: { http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' }, weight: 100 }] }] },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubernetesObject & {
      metadata: { generation: number };
      spec: { http: Array<{ route: Array<{ destination: { subset: string } }> }> };
    };
    expect(patched.spec.http[0]?.route[0]?.destination.subset).toBe('v2');
    expect(patched.metadata.generation).toBe(created.metadata.generation + 1);
    expect(Number(patched.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
  });

  it('a JSON patch whose test fails is refused with 422 and a Status body', async () => {
    await custom.createNamespacedCustomObject({ ...vsApi, body: vs('cn-json', 100) });
    const err = await custom
      .patchNamespacedCustomObject(
        {
          ...vsApi,
          name: 'cn-json',
          body: [
            { op: 'test', path: '/spec/http/0/route/0/weight', value: 50 },
            { op: 'replace', path: '/spec/http/0/route/0/weight', value: 0 },
          ],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    const apiErr = err as ApiException<string>;
    expect(apiErr.code).toBe(422);
    const status = JSON.parse(apiErr.body) as {
      kind: string;
      status: string;
      reason: string;
      message: string;
      code: number;
    };
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    expect(status.message).toContain('/spec/http/0/route/0/weight');
    const after = (await custom.getNamespacedCustomObject({ ...vsApi, name: 'cn-json' })) as {
      spec: { http: Array<{ route: Array<{ weight: number }> }> };
    };
    expect(after.spec.http[0]?.route[0]?.weight).toBe(100);
  });
});
