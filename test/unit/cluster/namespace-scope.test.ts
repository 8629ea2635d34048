import { describe, expect, it } from 'vitest';
import {
  collectionPath,
  coreResources,
  watchedResources,
} from '../../../main/core/cluster/cluster-resources.ts';
import type { KubeHttpClient, KubeRequest } from '../../../main/core/cluster/kube-http-client.ts';
import { KubeApiError } from '../../../main/core/cluster/kube-http-client.ts';
import {
  distinctNamespaces,
  fallbackReason,
  listableResources,
  resolveWatchScope,
} from '../../../main/core/cluster/namespace-scope.ts';

/** A client whose answers depend on the path: `allow` says which lists succeed. */
function fakeClient(allow: (path: string) => boolean, namespaces?: string[]) {
  const asked: string[] = [];
  const client: KubeHttpClient = {
    server: 'https://fake',
    async request<T>(req: KubeRequest): Promise<T> {
      const path = req.path.split('?')[0] ?? '';
      asked.push(path);
      if (path === '/api/v1/namespaces') {
        if (!namespaces)
          throw new KubeApiError(403, 'namespaces is forbidden: User "u" cannot list resource "namespaces"');
        return { items: namespaces.map((name) => ({ metadata: { name } })) } as T;
      }
      if (!allow(path)) throw new KubeApiError(403, `forbidden: User "u" cannot list ${path}`, 'Forbidden');
      return { items: [] } as T;
    },
    stream: () => Promise.resolve(),
  };
  return { client, asked };
}

const inNamespaces =
  (...allowed: string[]) =>
  (path: string) =>
    allowed.some((ns) => path.includes(`/namespaces/${ns}/`));

describe('namespaced collection paths', () => {
  it('puts the namespace between the version and the plural, for core and grouped kinds', () => {
    const services = coreResources[0]!;
    const deployments = coreResources[1]!;
    expect(collectionPath(services)).toBe('/api/v1/services');
    expect(collectionPath(services, 'shop')).toBe('/api/v1/namespaces/shop/services');
    expect(collectionPath(deployments, 'bookinfo')).toBe('/apis/apps/v1/namespaces/bookinfo/deployments');
  });
});

describe('which namespaces a session watches', () => {
  it('stays cluster-wide when every kind may be listed everywhere', async () => {
    const { client, asked } = fakeClient(() => true);
    expect(await resolveWatchScope({ client, resources: coreResources })).toEqual({ kind: 'all' });
    expect(asked).toEqual(coreResources.map((r) => collectionPath(r)));
  });

  it('falls back to the context namespace when cluster-wide lists and the namespace list answer 403', async () => {
    const { client } = fakeClient(inNamespaces('shop'));
    const scope = await resolveWatchScope({ client, resources: coreResources, contextNamespace: 'shop' });
    expect(scope).toEqual({
      kind: 'namespaces',
      namespaces: ['shop'],
      reason: 'cluster-wide listing is forbidden; watching namespaces shop',
    });
  });

  it('falls back to the listable namespaces where every kind may be listed', async () => {
    const { client } = fakeClient(inNamespaces('a', 'c', 'default'), ['a', 'b', 'c']);
    const scope = await resolveWatchScope({ client, resources: coreResources, contextNamespace: 'default' });
    expect(scope).toEqual({
      kind: 'namespaces',
      namespaces: ['default', 'a', 'c'],
      reason: 'cluster-wide listing is forbidden; watching namespaces default, a, c',
    });
  });

  it('skips a namespace where one kind is forbidden', async () => {
    const { client } = fakeClient(
      (path) =>
        path.includes('/namespaces/x/') || (path.includes('/namespaces/y/') && !path.endsWith('/pods')),
    );
    const scope = await resolveWatchScope({ client, resources: coreResources, chosen: ['x', 'y'] });
    expect(scope).toMatchObject({ kind: 'namespaces', namespaces: ['x'] });
    expect(scope.kind === 'namespaces' ? scope.reason : '').toMatch(/^not watching namespaces y: forbidden/);
  });

  it('throws the cluster-wide 403 when no namespace is usable', async () => {
    const { client } = fakeClient(() => false);
    const err = await resolveWatchScope({
      client,
      resources: coreResources,
      contextNamespace: 'default',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(403);
    expect((err as KubeApiError).message).toBe('forbidden: User "u" cannot list /api/v1/services');
  });

  it('watches a chosen set without asking cluster-wide, and throws when none of it may be listed', async () => {
    const { client, asked } = fakeClient(inNamespaces('bookinfo'));
    expect(
      await resolveWatchScope({ client, resources: coreResources, chosen: ['bookinfo', 'bookinfo'] }),
    ).toEqual({ kind: 'namespaces', namespaces: ['bookinfo'] });
    expect(asked.every((p) => p.includes('/namespaces/bookinfo/'))).toBe(true);
    await expect(
      resolveWatchScope({ client, resources: coreResources, chosen: ['shop'] }),
    ).rejects.toMatchObject({
      status: 403,
    });
  });

  it('does not read a 500 as a verdict on access: the watch retries those itself', async () => {
    const client: KubeHttpClient = {
      server: 'https://fake',
      request: () => Promise.reject(new KubeApiError(500, 'etcd is down')),
      stream: () => Promise.resolve(),
    };
    expect(await resolveWatchScope({ client, resources: coreResources })).toEqual({ kind: 'all' });
  });

  it('names namespaces once, in their first order', () => {
    expect(distinctNamespaces(['b', undefined, 'a', 'b', ''])).toEqual(['b', 'a']);
    expect(fallbackReason(['shop', 'team'])).toBe(
      'cluster-wide listing is forbidden; watching namespaces shop, team',
    );
  });
});

describe('optional kinds (ReferenceGrants)', () => {
  const resources = watchedResources(['v1'], ['v1', 'v1beta1']);
  const grants = resources.find((r) => r.key === 'referencegrants');
  const notGrants = (path: string) => !path.endsWith('/referencegrants');

  it('are watched, at v1beta1 (served by every Gateway API release), where they may be listed', async () => {
    expect(grants).toMatchObject({ version: 'v1beta1', optional: true });
    const { client } = fakeClient(() => true);
    const scope = await resolveWatchScope({ client, resources });
    expect(scope).toEqual({ kind: 'all' });
    expect((await listableResources(client, resources, scope)).map((r) => r.key)).toContain(
      'referencegrants',
    );
  });

  it('a 403 on them narrows nothing: the scope stays, and they alone are left out', async () => {
    const { client } = fakeClient(notGrants);
    const scope = await resolveWatchScope({ client, resources });
    expect(scope).toEqual({ kind: 'all' });
    const listable = await listableResources(client, resources, scope);
    expect(listable.map((r) => r.key)).toEqual(resources.filter((r) => r !== grants).map((r) => r.key));
    const team = fakeClient((path) => notGrants(path) && path.includes('/namespaces/shop/'));
    const narrowed = await resolveWatchScope({ client: team.client, resources, contextNamespace: 'shop' });
    expect(narrowed).toMatchObject({ kind: 'namespaces', namespaces: ['shop'] });
    expect((await listableResources(team.client, resources, narrowed)).some((r) => r.optional)).toBe(false);
  });
});
