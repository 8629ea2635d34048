// A backendRef added to an HTTPRoute's split (or a rule retargeted) names a port its Service has:
// it copied the other backends' port, and a Service listening elsewhere left that share failing.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

type Port = { name?: string; port: number; targetPort?: number };
const svc = (name: string, version: string, ports: Port[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop', resourceVersion: '1' },
  spec: { selector: { app: 'checkout', version }, ports },
});
const route: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'checkout', namespace: 'shop', resourceVersion: '7' },
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'checkout', port: 80 }],
    rules: [{ backendRefs: [{ name: 'checkout-v1', port: 8080 }] }],
  },
};
const stable = svc('checkout-v1', 'v1', [
  { name: 'http', port: 8080, targetPort: 8080 },
  { name: 'metrics', port: 9100, targetPort: 9100 },
]);

/** The port written for checkout-v2 when 10% of the split goes to it. */
function portFor(v2Ports: Port[]): unknown {
  const objects = [stable, svc('checkout-v2', 'v2', v2Ports), route];
  const [r] = readReleases(objects).filter((x) => x.flavor === 'gateway-api');
  if (!r) throw new Error('no release');
  const plan = planRelease(
    r,
    setSplit(r, [
      { version: 'checkout-v1', weight: 90 },
      { version: 'checkout-v2', weight: 10 },
    ]),
    objects,
  );
  const after = applyJsonPatch(route, plan.steps[0]?.patch ?? []);
  const refs = (after.spec as { rules: Array<{ backendRefs: Array<{ name: string; port?: number }> }> })
    .rules[0]?.backendRefs;
  return refs?.find((b) => b.name === 'checkout-v2')?.port;
}

describe('the port of a backendRef written for a version', () => {
  it('is the other backends’ port when its Service has it', () => {
    expect(portFor([{ name: 'http', port: 8080 }])).toBe(8080);
  });
  it('is the Service’s only port otherwise', () => {
    expect(portFor([{ name: 'web', port: 9090, targetPort: 9090 }])).toBe(9090);
  });
  it('is its port of the same name, or the same target port, among several', () => {
    expect(
      portFor([
        { name: 'admin', port: 7000 },
        { name: 'http', port: 9090 },
      ]),
    ).toBe(9090);
    expect(
      portFor([
        { name: 'admin', port: 7000, targetPort: 7000 },
        { name: 'web', port: 9090, targetPort: 8080 },
      ]),
    ).toBe(9090);
  });
  it('is refused, naming the Service and its ports, when none fits', () => {
    expect(() =>
      portFor([
        { name: 'admin', port: 7000 },
        { name: 'grpc', port: 9000 },
      ]),
    ).toThrow(
      "Service shop/checkout-v2 has no port 8080 (its ports: 7000, 9000), and none matches the other backends' port by name: give its backendRef a port in the route",
    );
  });
});
