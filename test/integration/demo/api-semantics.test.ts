import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { apiClient, type LooseJson, readWatch } from './demo-api-client.ts';

const VS = '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices';
const vs = (name: string, weight = 100, namespace = 'bookinfo') => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace, labels: { app: name, tier: 'web' } },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: name }, weight }] }] },
});

describe('the demo API server over HTTP', () => {
  let mesh: DemoMesh;
  let admin: ReturnType<typeof apiClient>;
  let viewer: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    mesh = await startDemoMesh({ http: true, simulation: false, eventWindow: 50 });
    admin = apiClient(mesh);
    viewer = apiClient(mesh, 'viewer');
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  it('answers 401 with a Status to a missing or wrong bearer token', async () => {
    const none = await fetch(`${mesh.url}/api/v1/namespaces`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${mesh.url}${VS}`, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('answers 403 to demo-viewer on every write verb, naming verb, resource, group and namespace', async () => {
    await admin('POST', VS, vs('ro-target'));
    const attempts: Array<[string, string, unknown, string?]> = [
      ['POST', VS, vs('ro-new')],
      ['PUT', `${VS}/ro-target`, vs('ro-target')],
      ['PATCH', `${VS}/ro-target`, { spec: { hosts: ['x'] } }, 'application/merge-patch+json'],
      [
        'PATCH',
        `${VS}/ro-target`,
        [{ op: 'replace', path: '/spec/hosts', value: ['x'] }],
        'application/json-patch+json',
      ],
      [
        'PATCH',
        `${VS}/ro-target?fieldManager=v`,
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\n',
        'application/apply-patch+yaml',
      ],
      ['DELETE', `${VS}/ro-target`, undefined],
      ['DELETE', VS, undefined],
      [
        'PATCH',
        '/apis/apps/v1/namespaces/bookinfo/deployments/x/scale',
        { spec: { replicas: 2 } },
        'application/merge-patch+json',
      ],
    ];
    const verbs = ['create', 'update', 'patch', 'patch', 'patch', 'delete', 'deletecollection', 'patch'];
    for (const [i, [method, path, body, type]] of attempts.entries()) {
      const r = await viewer(method, path, body, type);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
      expect(r.json.message).toContain(`User "demo-viewer" cannot ${verbs[i]} resource`);
      expect(r.json.message).toContain('in the namespace "bookinfo"');
    }
    expect((await viewer('GET', `${VS}/ro-target`)).status).toBe(200);
  });

  it('answers 409 Conflict to a write with a stale resourceVersion', async () => {
    const created = (await admin('POST', VS, vs('stale'))).json;
    await admin(
      'PATCH',
      `${VS}/stale`,
      { metadata: { labels: { changed: 'yes' } } },
      'application/merge-patch+json',
    );
    const r = await admin('PUT', `${VS}/stale`, created);
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      details: { name: 'stale', group: 'networking.istio.io', kind: 'virtualservices' },
    });
    const patch = await admin(
      'PATCH',
      `${VS}/stale`,
      { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { hosts: ['y'] } },
      'application/merge-patch+json',
    );
    expect(patch.status).toBe(409);
  });

  it('answers 409 AlreadyExists, 404 NotFound and 422 Invalid with proper Status bodies', async () => {
    await admin('POST', VS, vs('dup'));
    const dup = await admin('POST', VS, vs('dup'));
    expect(dup.json).toMatchObject({
      reason: 'AlreadyExists',
      code: 409,
      message: 'virtualservices.networking.istio.io "dup" already exists',
    });
    const missing = await admin('GET', `${VS}/nope`);
    expect(missing.json).toMatchObject({
      reason: 'NotFound',
      code: 404,
      message: 'virtualservices.networking.istio.io "nope" not found',
    });
    const bad = vs('bad');
    (bad.spec.http[0]!.route[0] as { weight: unknown }).weight = 'ten';
    const invalid = await admin('POST', VS, bad);
    expect(invalid.status).toBe(422);
    expect(invalid.json.details.causes[0]).toMatchObject({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.http[0].route[0].weight',
    });
    expect(invalid.json.message).toContain('VirtualService.networking.istio.io "bad" is invalid');
  });

  it('dryRun=All on create, update, patch and delete changes nothing', async () => {
    const created = (await admin('POST', VS, vs('dry'))).json;
    const rv = mesh.store.resourceVersion;
    expect((await admin('POST', `${VS}?dryRun=All`, vs('dry-new'))).status).toBe(201);
    expect(
      (await admin('PUT', `${VS}/dry?dryRun=All`, { ...created, spec: { ...created.spec, hosts: ['z'] } }))
        .json.spec.hosts,
    ).toEqual(['z']);
    expect(
      (
        await admin(
          'PATCH',
          `${VS}/dry?dryRun=All`,
          { spec: { hosts: ['q'] } },
          'application/merge-patch+json',
        )
      ).json.spec.hosts,
    ).toEqual(['q']);
    expect((await admin('DELETE', `${VS}/dry?dryRun=All`)).status).toBe(200);
    expect(mesh.store.resourceVersion).toBe(rv);
    expect((await admin('GET', `${VS}/dry`)).json.spec.hosts).toEqual(['dry']);
    expect((await admin('GET', `${VS}/dry-new`)).status).toBe(404);
  });

  it('server-side apply conflicts with another manager unless force=true', async () => {
    const yaml = (w: number) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ssa\nspec:\n  hosts: [ssa]\n  http:\n  - route:\n    - destination: {host: ssa}\n      weight: ${w}\n`;
    const first = await admin(
      'PATCH',
      `${VS}/ssa?fieldManager=alice`,
      yaml(100),
      'application/apply-patch+yaml',
    );
    expect(first.status).toBe(201);
    expect(first.json.metadata.managedFields[0]).toMatchObject({
      manager: 'alice',
      operation: 'Apply',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:hosts': {}, 'f:http': {} } },
    });
    const same = await admin(
      'PATCH',
      `${VS}/ssa?fieldManager=bob`,
      yaml(100),
      'application/apply-patch+yaml',
    );
    expect(same.status).toBe(200);
    const conflict = await admin(
      'PATCH',
      `${VS}/ssa?fieldManager=bob`,
      yaml(50),
      'application/apply-patch+yaml',
    );
    expect(conflict.status).toBe(409);
    expect(conflict.json.reason).toBe('Conflict');
    expect(conflict.json.message).toBe(
      'Apply failed with 1 conflict: conflict with "alice" using networking.istio.io/v1: .spec.http',
    );
    expect(conflict.json.details.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "alice" using networking.istio.io/v1',
        field: '.spec.http',
      },
    ]);
    const forced = await admin(
      'PATCH',
      `${VS}/ssa?fieldManager=bob&force=true`,
      yaml(50),
      'application/apply-patch+yaml',
    );
    expect(forced.status).toBe(200);
    const owners = Object.fromEntries(
      forced.json.metadata.managedFields.map((e: LooseJson) => [
        e.manager,
        Object.keys(e.fieldsV1['f:spec'] ?? {}),
      ]),
    );
    expect(owners).toEqual({ alice: ['f:hosts'], bob: ['f:hosts', 'f:http'] });
  });

  it('watch from a resourceVersion older than the event window gets an ERROR event with a 410 Status', async () => {
    const old = mesh.store.resourceVersion;
    for (let i = 0; i < 60; i++) await admin('POST', VS, vs(`churn-${i}`));
    const events = await readWatch(mesh, `${VS}?watch=true&resourceVersion=${old}`, 1);
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
    const recent = mesh.store.resourceVersion;
    const pending = readWatch(mesh, `${VS}?watch=true&resourceVersion=${recent}`, 1);
    await new Promise((r) => setTimeout(r, 100));
    await admin('POST', VS, vs('after-recent'));
    expect((await pending)[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'after-recent' } },
    });
  });

  it('watch with sendInitialEvents sends the current objects, then a bookmark marking their end', async () => {
    const events = await readWatch(
      mesh,
      `${VS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=app%3Dstale`,
      2,
    );
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'stale' } } });
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });

  it('lists with label selectors, field selectors and limit/continue', async () => {
    const names = async (q: string) =>
      ((await admin('GET', `${VS}?${q}`)).json.items as LooseJson[]).map((i) => i.metadata.name);
    expect(await names('labelSelector=app%3Ddup')).toEqual(['dup']);
    expect(await names('labelSelector=app%3D%3Ddup')).toEqual(['dup']);
    expect(await names('labelSelector=app%20in%20(dup,stale)')).toEqual(['dup', 'stale']);
    expect(await names('labelSelector=tier,app%20notin%20(dup),app!%3Dstale')).not.toContain('dup');
    expect(await names('labelSelector=!tier')).toEqual(expect.arrayContaining(['reviews']));
    expect(await names('fieldSelector=metadata.name%3Ddup')).toEqual(['dup']);
    const all = await names('');
    const seen: string[] = [];
    let cont = '';
    do {
      const page = (await admin('GET', `${VS}?limit=7${cont ? `&continue=${cont}` : ''}`)).json;
      seen.push(...page.items.map((i: LooseJson) => i.metadata.name));
      cont = page.metadata.continue ?? '';
    } while (cont);
    expect(seen).toEqual(all);
  });

  it('serves either Istio version from one storage, apiVersion following the request', async () => {
    const v1beta1 = await admin(
      'GET',
      '/apis/networking.istio.io/v1beta1/namespaces/bookinfo/virtualservices/dup',
    );
    expect(v1beta1.json.apiVersion).toBe('networking.istio.io/v1beta1');
    const list = await admin('GET', '/apis/networking.istio.io/v1beta1/virtualservices');
    expect(list.json.kind).toBe('VirtualServiceList');
    expect(list.json.items.every((i: LooseJson) => i.apiVersion === 'networking.istio.io/v1beta1')).toBe(
      true,
    );
  });

  it('fails exactly the next PATCH to virtualservices when told to', async () => {
    mesh.faults.failNext({ verb: 'patch', resource: 'virtualservices', code: 500 });
    expect((await admin('GET', `${VS}/dup`)).status).toBe(200);
    const failed = await admin(
      'PATCH',
      `${VS}/dup`,
      { metadata: { labels: { a: 'b' } } },
      'application/merge-patch+json',
    );
    expect(failed.status).toBe(500);
    expect(failed.json.kind).toBe('Status');
    expect(
      (
        await admin(
          'PATCH',
          `${VS}/dup`,
          { metadata: { labels: { a: 'b' } } },
          'application/merge-patch+json',
        )
      ).status,
    ).toBe(200);
  });

  it('answers 429 with Retry-After through the admin faults endpoint, which demo-viewer may not use', async () => {
    expect((await viewer('POST', '/switchyard.io/demo/faults', { reset: true })).status).toBe(403);
    const set = await admin('POST', '/switchyard.io/demo/faults', {
      failNext: { verb: 'list', resource: 'virtualservices', code: 429, retryAfterSeconds: 3 },
    });
    expect(set.status).toBe(200);
    const r = await admin('GET', VS);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    await admin('POST', '/switchyard.io/demo/faults', {
      set: { errorRate: 0.5, errorCode: 503, filter: { verb: 'get' } },
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await admin('GET', `${VS}/dup`)).status);
    await admin('POST', '/switchyard.io/demo/faults', { reset: true });
    expect(codes.filter((c) => c === 503)).toHaveLength(2);
    expect((await admin('GET', `${VS}/dup`)).status).toBe(200);
  });

  it('closes a connection mid-request and drops open watches on demand', async () => {
    mesh.faults.closeNext({ verb: 'get', resource: 'virtualservices' });
    await expect(admin('GET', `${VS}/dup`)).rejects.toThrow();
    const watching = readWatch(
      mesh,
      `${VS}?watch=true&resourceVersion=${mesh.store.resourceVersion}`,
      5,
      5000,
    );
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    mesh.faults.dropWatches();
    await watching.catch(() => []);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('routes the service proxy to a mounted handler and answers 503 when none is mounted', async () => {
    await admin('POST', '/api/v1/namespaces/bookinfo/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'metrics' },
      spec: { ports: [{ port: 9090 }] },
    });
    const none = await admin(
      'GET',
      '/api/v1/namespaces/bookinfo/services/metrics:9090/proxy/api/v1/query?query=up',
    );
    expect(none.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    const unmount = mesh.registerServiceProxy('bookinfo', 'metrics', 9090, (_req, res, subpath) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(subpath);
    });
    expect(
      (await viewer('GET', '/api/v1/namespaces/bookinfo/services/metrics:9090/proxy/api/v1/query?query=up'))
        .text,
    ).toBe('/api/v1/query?query=up');
    expect((await admin('GET', '/api/v1/namespaces/bookinfo/services/http:metrics:9090/proxy/')).text).toBe(
      '/',
    );
    unmount();
    expect((await admin('GET', '/api/v1/namespaces/bookinfo/services/metrics:9090/proxy/x')).status).toBe(
      503,
    );
  });

  it("collects a deployment's replica sets and pods, and a namespace's contents", async () => {
    await admin('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'gc' },
    });
    const dep = (
      await admin('POST', '/apis/apps/v1/namespaces/gc/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'x' }] },
          },
        },
      })
    ).json;
    const owner = (o: LooseJson) => [
      {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        uid: o.metadata.uid,
        controller: true,
      },
    ];
    const rs = (
      await admin('POST', '/apis/apps/v1/namespaces/gc/replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-1', ownerReferences: owner(dep) },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'x' }] },
          },
        },
      })
    ).json;
    await admin('POST', '/api/v1/namespaces/gc/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1-a', ownerReferences: owner(rs) },
      spec: { containers: [{ name: 'web', image: 'x' }] },
    });
    expect((await admin('POST', VS.replace('bookinfo', 'gc'), vs('in-gc', 100, 'gc'))).status).toBe(201);
    expect((await admin('DELETE', '/apis/apps/v1/namespaces/gc/deployments/web')).status).toBe(200);
    expect((await admin('GET', '/apis/apps/v1/namespaces/gc/replicasets')).json.items).toEqual([]);
    expect((await admin('GET', '/api/v1/namespaces/gc/pods')).json.items).toEqual([]);
    expect((await admin('DELETE', '/api/v1/namespaces/gc')).status).toBe(200);
    expect((await admin('GET', `${VS.replace('bookinfo', 'gc')}`)).json.items).toEqual([]);
    expect((await admin('POST', VS.replace('bookinfo', 'gc'), vs('late', 100, 'gc'))).json).toMatchObject({
      code: 404,
      message: 'namespaces "gc" not found',
    });
  });

  it('serves aggregated and classic discovery, and the OpenAPI v3 index', async () => {
    const res = await fetch(`${mesh.url}/apis`, {
      headers: {
        Authorization: `Bearer ${mesh.tokens.admin}`,
        Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    expect(res.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const agg = (await res.json()) as LooseJson;
    const istio = agg.items.find((g: LooseJson) => g.metadata.name === 'networking.istio.io');
    expect(istio.versions.map((v: LooseJson) => v.version)).toEqual(['v1', 'v1beta1']);
    const classic = (await admin('GET', '/apis/networking.istio.io/v1')).json;
    expect(classic.resources.find((r: LooseJson) => r.name === 'virtualservices')).toMatchObject({
      kind: 'VirtualService',
      namespaced: true,
      shortNames: ['vs'],
    });
    const index = (await admin('GET', '/openapi/v3')).json;
    expect(Object.keys(index.paths)).toContain('apis/networking.istio.io/v1');
    const crds = (
      await admin('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')
    ).json.items.map((c: LooseJson) => c.metadata.name);
    expect(crds).toEqual(
      expect.arrayContaining(['virtualservices.networking.istio.io', 'httproutes.gateway.networking.k8s.io']),
    );
  });
});
