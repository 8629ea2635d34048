import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { hasKubectl, kubectl, kubectlSkipReason } from './kubectl-runner.ts';

const routeYaml = (
  name: string,
  backends: Array<[string, number]>,
) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: storefront
spec:
  parentRefs:
  - {group: "", kind: Service, name: search, port: 8080}
  rules:
  - backendRefs:
${backends.map(([b, w]) => `    - {name: ${b}, port: 8080, weight: ${w}}`).join('\n')}
`;

/** Polls until `check` passes (the demo controller writes status after the change, not in the request). */
async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.skipIf(!hasKubectl)(
  `kubectl and the demo's Gateway API kinds (${hasKubectl ? 'kubectl found' : kubectlSkipReason})`,
  () => {
    let mesh: DemoMesh;
    const k = (args: string[], stdin?: string) => kubectl(mesh.kubeconfigPath, args, stdin);
    const conditions = async (name: string) =>
      (
        await k([
          'get',
          'httproute',
          name,
          '-n',
          'storefront',
          '-o',
          'jsonpath={range .status.parents[0].conditions[*]}{.type}={.status}/{.reason} {end}',
        ])
      ).stdout.trim();

    beforeAll(async () => {
      mesh = await startDemoMesh({ podReadyDelayMs: 200, requestsPerSecond: 5 });
    });
    afterAll(async () => {
      await mesh?.stop();
    });

    it('lists HTTPRoutes across namespaces with the CRD columns NAME HOSTNAMES AGE', async () => {
      const r = await k(['get', 'httproutes', '-A']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^NAMESPACE\s+NAME\s+HOSTNAMES\s+AGE\n/);
      expect(r.stdout).toMatch(/ledger\s+accounts\s+\d+s/);
      expect(r.stdout).toMatch(/storefront\s+catalog\s+\d+s/);
      expect(r.stdout).toMatch(/storefront\s+web\s+\["storefront\.example\.com"\]\s+\d+s/);
    });

    it('resolves a bare `gateways` to Gateway API, as a real API server does, with CLASS ADDRESS PROGRAMMED', async () => {
      await eventually(async () => {
        const r = await k(['get', 'gateways', '-n', 'storefront']);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(/^NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE\n/);
        expect(r.stdout).toMatch(/storefront-gateway\s+istio\s+10\.96\.\d+\.\d+\s+True\s+\d+s/);
      });
      const waypoint = await k(['get', 'gtw', 'waypoint', '-n', 'ledger']);
      expect(waypoint.stdout).toMatch(/waypoint\s+istio-waypoint\s+10\.96\.\d+\.\d+\s+True/);
      // Istio's own Gateways are still there under their short name.
      expect((await k(['get', 'gw', '-n', 'istio-system'])).stdout).toContain('bookinfo-gateway');
    });

    it("shows catalog's status conditions as Istio's controller sets them", async () => {
      await eventually(async () => {
        const r = await k([
          'get',
          'httproute',
          'catalog',
          '-n',
          'storefront',
          '-o',
          'jsonpath={.status.parents[0].conditions[*].type}',
        ]);
        expect(r.stdout).toBe('Accepted ResolvedRefs');
      });
      const controller = await k([
        'get',
        'httproute',
        'catalog',
        '-n',
        'storefront',
        '-o',
        'jsonpath={.status.parents[0].controllerName}',
      ]);
      expect(controller.stdout).toBe('istio.io/gateway-controller');
    });

    it('applies an HTTPRoute, reports BackendNotFound for a missing backend, and clears it once the Service exists', async () => {
      const created = await k(
        ['apply', '-f', '-'],
        routeYaml('kc-route', [
          ['search-v1', 1],
          ['search-v7', 1],
        ]),
      );
      expect(created.stdout.trim()).toBe('httproute.gateway.networking.k8s.io/kc-route created');
      await eventually(async () =>
        expect(await conditions('kc-route')).toBe(
          'Accepted=True/Accepted ResolvedRefs=False/BackendNotFound',
        ),
      );
      const message = await k([
        'get',
        'httproute',
        'kc-route',
        '-n',
        'storefront',
        '-o',
        'jsonpath={.status.parents[0].conditions[?(@.type=="ResolvedRefs")].message}',
      ]);
      expect(message.stdout).toContain('search-v7.storefront.svc.cluster.local');
      const svc = await k(
        ['apply', '-f', '-'],
        'apiVersion: v1\nkind: Service\nmetadata: {name: search-v7, namespace: storefront}\nspec:\n  selector: {app: search, version: v7}\n  ports: [{port: 8080}]\n',
      );
      expect(svc.stdout.trim()).toBe('service/search-v7 created');
      await eventually(async () =>
        expect(await conditions('kc-route')).toBe('Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs'),
      );
      const again = await k(
        ['apply', '-f', '-'],
        routeYaml('kc-route', [
          ['search-v1', 1],
          ['search-v7', 1],
        ]),
      );
      expect(again.stdout.trim()).toBe('httproute.gateway.networking.k8s.io/kc-route unchanged');
      // Two routes on one parent Service merge, the older (then by name) winning: leave search's alone.
      expect((await k(['delete', 'httproute', 'kc-route', '-n', 'storefront'])).code).toBe(0);
    });

    it('applies server-side and the change reaches the simulated traffic', async () => {
      const r = await k(
        ['apply', '--server-side', '--force-conflicts', '-f', '-'],
        routeYaml('search', [['search-v1', 0]]),
      );
      expect(r.stdout.trim()).toBe('httproute.gateway.networking.k8s.io/search serverside-applied');
      const weights = await k([
        'get',
        'httproute',
        'search',
        '-n',
        'storefront',
        '-o',
        'jsonpath={.spec.rules[0].backendRefs[*].weight}',
      ]);
      expect(weights.stdout).toBe('0');
      // Every weight 0: the route answers 500 to every request (Gateway API), as the sidecars would.
      const routed = mesh.simulation?.router.route('search.storefront.svc.cluster.local', { path: '/' }, 0.5);
      expect(routed).toMatchObject({ ok: false, code: 500 });
      const generation = await k([
        'get',
        'httproute',
        'search',
        '-n',
        'storefront',
        '-o',
        'jsonpath={.metadata.generation}/{.status.parents[0].conditions[0].observedGeneration}',
      ]);
      await eventually(async () => {
        const g = (
          await k([
            'get',
            'httproute',
            'search',
            '-n',
            'storefront',
            '-o',
            'jsonpath={.metadata.generation}/{.status.parents[0].conditions[0].observedGeneration}',
          ])
        ).stdout;
        const [gen, observed] = g.split('/');
        expect(observed).toBe(gen);
      });
      expect(generation.stdout).toMatch(/^\d+\/\d+$/);
    });
  },
);
