import { describe, expect, it } from 'vitest';
import { profileOf } from '../../../main/demo/seed/demo-apps.ts';
import { endpointOf } from '../../../main/demo/sim/mesh-router.ts';

describe('how a demo version behaves', () => {
  const v3 = profileOf('bookinfo', 'reviews', 'v3');
  const v1 = profileOf('bookinfo', 'reviews', 'v1');

  it('keeps each seeded version its own profile', () => {
    expect(v3.errorRate).toBeGreaterThan(v1.errorRate);
    expect(v3.p95Ms).toBeGreaterThan(v1.p95Ms);
  });

  it('gives a new version the profile of the version whose image it runs, whatever its tag', () => {
    expect(
      profileOf('bookinfo', 'reviews', 'v4', 'docker.io/istio/examples-bookinfo-reviews-v3:1.99.0'),
    ).toBe(v3);
    expect(
      profileOf('bookinfo', 'reviews', 'v4', 'docker.io/istio/examples-bookinfo-reviews-v1@sha256:abc'),
    ).toBe(v1);
    const other = profileOf('bookinfo', 'reviews', 'v4', 'example.com/reviews:next');
    expect(other).not.toBe(v3);
    expect(other.errorRate).toBeLessThan(v3.errorRate);
  });

  it('reads the image from the pod the request lands on', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'reviews-v4-abc-x',
        namespace: 'bookinfo',
        labels: { app: 'reviews', version: 'v4' },
      },
      spec: {
        containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v3:1.21.0' }],
      },
    };
    expect(endpointOf(pod as never)).toMatchObject({
      version: 'v4',
      image: 'docker.io/istio/examples-bookinfo-reviews-v3:1.21.0',
    });
  });
});
