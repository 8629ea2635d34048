import { describe, expect, it } from 'vitest';
import { previewRelease } from '../../../main/core/services/release-preview.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readIstioReleases } from '../../../shared/mesh/read/index.ts';

// The Istio path of the live preview still routes through the VirtualService (first match wins).

const engine = re2Engine();

const objects: KubeObject[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        {
          name: 'beta',
          match: [{ headers: { 'x-beta': { exact: '1' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      host: 'reviews',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  },
];

describe('previewRelease on an Istio release', () => {
  it('gives the first matching rule its requests; with two rules on x-beta the first wins', () => {
    const release = readIstioReleases(objects)[0]!;
    const requests = [
      ...Array.from({ length: 10 }, () => ({ headers: { 'x-beta': '1', 'x-team': 'qa' } })),
      ...Array.from({ length: 20 }, () => ({})),
    ];
    const view = previewRelease({
      release,
      input: {
        split: [
          { version: 'v1', weight: 90 },
          { version: 'v2', weight: 10 },
        ],
        rules: [
          { id: release.rules[0]!.id, name: 'beta', version: 'v2', enabled: true },
          {
            name: 'qa',
            version: 'v1',
            enabled: true,
            conditions: [
              [
                { kind: 'header', name: 'x-beta', op: 'exact', value: '1' },
                { kind: 'header', name: 'x-team', op: 'exact', value: 'qa' },
              ],
            ],
          },
        ],
      },
      objects,
      engine,
      requests,
      source: 'jsonl',
    });
    expect(view.rules.map((r) => r.count)).toEqual([10, 0]);
    expect(view.unmatched.count).toBe(20);
  });
});
