import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

// `delegate:` left empty in a file is null: the reader took its `name` and threw "Cannot read
// properties of null", which split, cutover and route printed as a stack trace.

const vs = (delegate: unknown): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'root', namespace: 'shop' },
  spec: {
    hosts: ['shop'],
    http: [{ delegate }, { route: [{ destination: { host: 'shop', subset: 'v1' } }] }],
  },
});

describe('a route that delegates to nothing readable', () => {
  it.each([
    ['null', null],
    ['a string', 'cart'],
    ['a number', 5],
  ])('with delegate %s is a delegating route, not an exception', (_, delegate) => {
    const [release] = readReleases([vs(delegate)]);
    expect(release?.readOnlyReasons).toContain(
      "spec.http[0] delegates to another VirtualService; the model cannot see the delegate's routes",
    );
  });

  it('still names the VirtualService a delegate names', () => {
    const [release] = readReleases([vs({ name: 'cart', namespace: 'shop' })]);
    expect(release?.readOnlyReasons.join()).toMatch(/delegates to VirtualService cart;/);
  });
});
