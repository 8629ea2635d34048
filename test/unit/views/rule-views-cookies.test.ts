// A cookie rule read from the cluster is shown as a cookie condition, whether the console wrote it
// or someone wrote it by hand in the VirtualService.
import { describe, expect, it } from 'vitest';
import { ruleViews } from '../../../main/core/views/release-views.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { compileRule } from '../../../shared/mesh/policy/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

function virtualService(matches: unknown[][]): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['reviews'],
      http: [
        ...matches.map((match, i) => ({
          name: `rule-${i}`,
          match,
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        })),
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    },
  };
}

const destinationRule: KubeObject = {
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
};

describe('cookie rules in the release view', () => {
  it('shows the console’s cookie pattern and hand-written ones as cookie conditions', () => {
    const own = compileRule([{ kind: 'cookie', name: 'canary', op: 'exact', value: 'always' }]);
    const [release] = readReleases([
      virtualService([
        own,
        [{ headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } }],
        [{ headers: { cookie: { regex: '.*beta=1.*' }, 'x-team': { exact: 'qa' } } }],
      ]),
      destinationRule,
    ]);
    const views = ruleViews(release!);
    expect(views.map((v) => v.conditions)).toEqual([
      [[{ kind: 'cookie', name: 'canary', op: 'exact', value: 'always' }]],
      [[{ kind: 'cookie', name: 'canary', op: 'exact', value: 'always' }]],
      [
        [
          { kind: 'header', name: 'x-team', op: 'exact', value: 'qa' },
          { kind: 'cookie', name: 'beta', op: 'exact', value: '1' },
        ],
      ],
    ]);
    // The regex as written stays visible in the rule's YAML.
    expect(views[1]!.matchYaml).toContain('^(.*?;)?(canary=always)(;.*)?$');
  });
});
