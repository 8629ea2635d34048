// The demo's unfiltered lists come from cached chunks: they must be byte for byte the list made
// afresh (the same list with a limit larger than it is made without the cache), through creates,
// patches and deletes, and a write must make again only the chunks holding what it changed.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { listChunkCacheOf } from '../../../main/demo/server/list-chunks.ts';
import { apiClient } from './demo-api-client.ts';

const SERVICES = 3000; // generated filler: about 1.7 MB of VirtualServices, over the 1 MB streamed above
const ALL = '/apis/networking.istio.io/v1/virtualservices';
const vs = (namespace: string, name: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace },
  spec: { hosts: [name], http: [{ route: [{ destination: { host: name }, weight: 100 }] }] },
});

describe('demo list bodies from cached chunks', () => {
  let mesh: DemoMesh;
  let admin: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    mesh = await startDemoMesh({ http: true, simulation: false, services: SERVICES });
    admin = apiClient(mesh);
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  /** The cached list and the one made afresh, compared byte for byte; answers the chunks made for it. */
  async function sameAsUncached(path: string): Promise<number> {
    const made = listChunkCacheOf(mesh.store).made;
    const cached = await admin('GET', path);
    const madeNow = listChunkCacheOf(mesh.store).made - made;
    const fresh = await admin('GET', `${path}?limit=1000000`);
    expect(cached.status).toBe(200);
    expect(fresh.status).toBe(200);
    expect(cached.text.length).toBe(fresh.text.length);
    expect(cached.text === fresh.text).toBe(true);
    expect(cached.json).toEqual(fresh.json);
    return madeNow;
  }

  it('is the uncached list byte for byte, through creates, patches and deletes, remaking only the chunks written to', async () => {
    const first = await sameAsUncached(ALL);
    expect(first).toBeGreaterThan(3);
    expect(await sameAsUncached(ALL)).toBe(0);
    expect(await sameAsUncached('/apis/networking.istio.io/v1beta1/virtualservices')).toBe(first);

    // A patch of a filler VirtualService (its service's objects become stored objects first).
    const patched = await admin(
      'PATCH',
      '/apis/networking.istio.io/v1/namespaces/gen-7/virtualservices/svc-0742',
      { metadata: { labels: { patched: 'yes' } } },
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(200);
    const afterPatch = await sameAsUncached(ALL);
    expect(afterPatch).toBeGreaterThanOrEqual(1);
    expect(afterPatch).toBeLessThanOrEqual(2);

    // Another service's DestinationRule written: its VirtualService becomes a stored object at the
    // same resourceVersion, whose JSON must be the template's, so its chunk is still right.
    const dr = await admin(
      'PATCH',
      '/apis/networking.istio.io/v1/namespaces/gen-20/destinationrules/svc-2001',
      { metadata: { labels: { patched: 'yes' } } },
      'application/merge-patch+json',
    );
    expect(dr.status).toBe(200);
    expect(await sameAsUncached(ALL)).toBe(0);

    const created = await admin(
      'POST',
      '/apis/networking.istio.io/v1/namespaces/gen-12/virtualservices',
      vs('gen-12', 'svc-1234-extra'),
    );
    expect(created.status).toBe(201);
    const afterCreate = await sameAsUncached(ALL);
    expect(afterCreate).toBeGreaterThanOrEqual(1);
    expect(afterCreate).toBeLessThanOrEqual(2);

    for (const name of ['svc-1234-extra', 'svc-2500']) {
      const ns = name === 'svc-2500' ? 'gen-25' : 'gen-12';
      const deleted = await admin(
        'DELETE',
        `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices/${name}`,
      );
      expect(deleted.status).toBe(200);
      const afterDelete = await sameAsUncached(ALL);
      expect(afterDelete).toBeLessThanOrEqual(2);
    }
    // One namespace's list (under 1 MB) and the whole list again, both still the uncached bytes.
    await sameAsUncached('/apis/networking.istio.io/v1/namespaces/gen-7/virtualservices');
    expect(await sameAsUncached(ALL)).toBe(0);
  });

  it('streams a list over 1 MB in several writes (no Content-Length), a small one whole', async () => {
    const answer = (path: string) =>
      new Promise<{ headers: Record<string, unknown>; pieces: number; bytes: number }>((ok, fail) => {
        const req = request(
          `${mesh.url}${path}`,
          { headers: { authorization: `Bearer ${mesh.tokens.admin}` } },
          (res) => {
            let pieces = 0;
            let bytes = 0;
            res.on('data', (c: Buffer) => {
              pieces++;
              bytes += c.length;
            });
            res.on('end', () => ok({ headers: res.headers, pieces, bytes }));
            res.on('error', fail);
          },
        );
        req.on('error', fail);
        req.end();
      });
    const big = await answer(ALL);
    expect(big.bytes).toBeGreaterThan(1024 * 1024);
    expect(big.headers['content-length']).toBeUndefined();
    expect(big.headers['transfer-encoding']).toBe('chunked');
    expect(big.pieces).toBeGreaterThan(1);
    const small = await answer('/apis/networking.istio.io/v1/namespaces/gen-3/virtualservices');
    expect(Number(small.headers['content-length'])).toBe(small.bytes);
  });
});
