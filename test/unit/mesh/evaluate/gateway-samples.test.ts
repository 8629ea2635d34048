import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { compileHTTPRoute, previewTraffic } from '../../../../shared/mesh/evaluate/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { isGatewayHTTPRoute } from '../../../../shared/mesh/model/index.ts';
import { sharedReference } from '../../../helpers/shared-reference.ts';

const engine = re2Engine();

function routesIn(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && typeof o === 'object' && isGatewayHTTPRoute(o));
}

if (!sharedReference.present) console.warn(sharedReference.skipReason);

describe.skipIf(!sharedReference.present)(
  'Gateway API HTTPRoute samples (needs ../shared/reference; skipped with the reason below when absent)',
  () => {
    const dir = sharedReference.present ? sharedReference.path('samples', 'gateway-api') : '';
    const files = sharedReference.present
      ? (readdirSync(dir, { recursive: true }) as string[])
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f))
      : [];

    it('compiles every v1 HTTPRoute sample and routes a request through it', () => {
      const routes = files.flatMap(routesIn).filter((r) => /\/v1(beta1)?$/.test(r.apiVersion));
      expect(routes.length).toBeGreaterThan(10);
      for (const r of routes) {
        const outcome = compileHTTPRoute(r, { engine }).route({ path: '/' }, 0.5);
        expect(['route', 'redirect', 'notFound', 'directResponse']).toContain(outcome.kind);
      }
    });

    it('splits traffic-split-2 90/10 between foo-v1 and foo-v2', () => {
      const [route] = routesIn(join(dir, 'examples/standard/traffic-splitting/traffic-split-2.yaml'));
      const requests = Array.from({ length: 1000 }, () => ({ path: '/' }));
      const result = previewTraffic(compileHTTPRoute(route!, { engine }), requests, { seed: 7 });
      const share = Object.fromEntries(result.versions.map((v) => [v.version, v.share]));
      expect(share['foo-v1']).toBeGreaterThan(0.85);
      expect(share['foo-v2']).toBeGreaterThan(0.05);
      expect((share['foo-v1'] ?? 0) + (share['foo-v2'] ?? 0)).toBe(1);
    });

    it('sends the http-redirect sample to a 302 redirect to https', () => {
      const routes = routesIn(join(dir, 'examples/standard/http-redirect.yaml'));
      const first = routes.find((r) => r.metadata.name === 'http-filter-1')!;
      expect(compileHTTPRoute(first, { engine }).route({ path: '/x' }, 0)).toMatchObject({
        kind: 'redirect',
        status: 302,
        redirect: { scheme: 'https' },
      });
    });
  },
);
