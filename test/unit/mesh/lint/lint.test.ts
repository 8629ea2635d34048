import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { re2Engine } from '../../../../main/lib/re2-engine.ts';
import { type LintFinding, lintObjects } from '../../../../shared/mesh/lint/index.ts';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { repoRoot, sharedReference } from '../../../helpers/shared-reference.ts';

const engine = re2Engine();

function load(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return (Array.isArray(docs) ? docs : []).map((d) => d.toJS());
}
const fixture = (name: string) => load(join(repoRoot, 'test/fixtures/lint', name));
const codes = (fs: LintFinding[]) => fs.map((f) => `${f.code} ${f.object.name} ${f.path}`);

function vs(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'ns', ...metadata },
    spec,
  };
}

describe('lint on the fixtures', () => {
  it('finds nothing wrong with a clean canary at its entry point', () => {
    expect(lintObjects(fixture('clean.yaml'), { engine })).toEqual([]);
  });
  const found = lintObjects(fixture('problems.yaml'), { engine });
  const expected: Array<[string, string]> = [
    ['SY130', 'reviews spec.http[0].match[0].headers.user-agent.regex'],
    ['SY110', 'reviews spec.http[1].route[0].destination.subset'],
    ['SY121', 'reviews spec.http[2].match'],
    ['SY101', 'reviews spec.http[3].route'],
    ['SY120', 'reviews spec.http[4]'],
    ['SY131', 'reviews spec.http[4].match[0].queryParams.tag.prefix'],
    ['SY150', 'reviews spec.http[0].match[0].headers'],
    ['SY160', 'reviews metadata.annotations.rollouts.argoproj.io/managed-by-rollouts'],
    ['SY102', 'reviews-second spec.http[0].route'],
    ['SY140', 'reviews-second spec.hosts'],
    ['SY160', 'reviews metadata.managedFields[0].manager'],
  ];
  for (const [code, where] of expected) {
    it(`reports ${code} at ${where}`, () => {
      expect(codes(found)).toContain(`${code} ${where}`);
    });
  }
  it('reports nothing it was not asked to find', () => {
    expect(found).toHaveLength(expected.length);
  });
  it('gives every finding a severity, an object identity and a hint', () => {
    for (const f of found) {
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(f.object.kind).toMatch(/VirtualService|DestinationRule/);
      expect(f.hint.length).toBeGreaterThan(10);
    }
  });
  it('reports an error for an invalid regex and a warning for a sum that is not 100', () => {
    expect(found.find((f) => f.code === 'SY130')?.severity).toBe('error');
    expect(found.find((f) => f.code === 'SY101')?.message).toContain('weights sum to 90, not 100');
  });
});

describe('lint rules one by one', () => {
  it('reports a subset that selects no pods when the pods are known', () => {
    const dr: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'r', namespace: 'ns' },
      spec: {
        host: 'r',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v9', labels: { version: 'v9' } },
        ],
      },
    };
    const fs = lintObjects([dr], {
      engine,
      pods: [{ namespace: 'ns', labels: { app: 'r', version: 'v1' } }],
    });
    expect(codes(fs)).toEqual(['SY112 r spec.subsets[1].labels']);
  });
  it('warns about a destination without weight among several', () => {
    const fs = lintObjects(
      [
        vs('a', {
          hosts: ['a'],
          http: [{ route: [{ destination: { host: 'a' }, weight: 100 }, { destination: { host: 'b' } }] }],
        }),
      ],
      { engine },
    );
    expect(codes(fs)).toEqual(['SY104 a spec.http[0].route']);
  });
  it('reports a negative weight', () => {
    const fs = lintObjects(
      [
        vs('a', {
          hosts: ['a'],
          http: [
            {
              route: [
                { destination: { host: 'a' }, weight: 110 },
                { destination: { host: 'b' }, weight: -10 },
              ],
            },
          ],
        }),
      ],
      { engine },
    );
    expect(codes(fs)).toContain('SY103 a spec.http[0].route[1].weight');
  });
  it('warns, with entry points known, about a header rule on an inner service', () => {
    const v = vs('inner', {
      hosts: ['ratings'],
      http: [
        { match: [{ headers: { 'x-user': { exact: 'a' } } }], route: [{ destination: { host: 'ratings' } }] },
      ],
    });
    expect(lintObjects([v], { engine, entryPoints: ['productpage'] })[0]).toMatchObject({
      code: 'SY150',
      severity: 'warning',
    });
    expect(lintObjects([v], { engine, entryPoints: ['ratings'] })).toEqual([]);
  });
  it('reports objects owned by Flagger, Kiali and Flux', () => {
    const owned = [
      vs(
        'f',
        { hosts: ['f'] },
        { ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'f' }] },
      ),
      vs('k', { hosts: ['k'] }, { labels: { kiali_wizard: 'request_routing' } }),
      vs('x', { hosts: ['x'] }, { managedFields: [{ manager: 'kustomize-controller' }] }),
    ];
    expect(lintObjects(owned, { engine }).map((f) => `${f.code} ${f.object.name}`)).toEqual([
      'SY160 f',
      'SY160 k',
      'SY160 x',
    ]);
  });
  it('reports a rule shadowed by an earlier regex that covers its exact header', () => {
    const v = vs('s', {
      hosts: ['s'],
      http: [
        { match: [{ headers: { 'x-user': { regex: 'a.*' } } }], route: [{ destination: { host: 's' } }] },
        { match: [{ headers: { 'x-user': { exact: 'alice' } } }], route: [{ destination: { host: 's' } }] },
      ],
    });
    expect(codes(lintObjects([v], { engine }))).toContain('SY121 s spec.http[1].match');
  });
  it('does not call a narrower earlier rule a shadow of a broader later one', () => {
    const v = vs('s', {
      hosts: ['s'],
      gateways: ['gw'],
      http: [
        { match: [{ uri: { prefix: '/a/b' } }], route: [{ destination: { host: 's' } }] },
        { match: [{ uri: { prefix: '/a' } }], route: [{ destination: { host: 's' } }] },
      ],
    });
    expect(lintObjects([v], { engine })).toEqual([]);
  });
  it('turns a malformed object into a finding instead of throwing', () => {
    const broken = [
      vs('b', { hosts: ['b'], http: 'nope' }),
      vs('c', { http: [42, { route: 'x' }] }),
      { kind: 'VirtualService' },
      null,
      7,
    ];
    const fs = lintObjects(broken, { engine });
    expect(fs.every((f) => f.code === 'SY100')).toBe(true);
    expect(fs.length).toBeGreaterThanOrEqual(3);
  });
});

describe.skipIf(!sharedReference.present)('lint on every reference file (needs ../shared/reference)', () => {
  const files = (sharedReference.present ? ['wild', 'samples'] : []).flatMap((dir) =>
    (readdirSync(sharedReference.path(dir), { recursive: true }) as string[])
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(sharedReference.path(dir), f)),
  );
  it('finds the reference files', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  it('lints every file without an exception, and every finding is well formed', () => {
    for (const file of files) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'));
      const objects = (Array.isArray(docs) ? docs : []).map((d) => {
        try {
          return d.toJS();
        } catch {
          return null;
        }
      });
      const fs = lintObjects(objects, { engine });
      for (const f of fs) expect(f.code, file).toMatch(/^SY\d{3}$/);
    }
  });
  it('flags the user-agent regex rule of the istio-tutorial as a content rule off the entry point', () => {
    const file = files.find((f) => f.endsWith('virtual-service-safari-recommendation-v2.yaml'))!;
    const fs = lintObjects(load(file), { engine });
    expect(fs.map((f) => f.code)).toContain('SY150');
  });
});

describe('host lists the API server would refuse', () => {
  it('a VirtualService whose hosts or gateways are not a list of strings', () => {
    const fs = lintObjects(
      [
        vs('one-string', { hosts: 'reviews', http: [] }),
        vs('nested', { hosts: [['reviews']], gateways: ['mesh', 7] }),
        vs('fine', { hosts: ['reviews'], gateways: ['mesh'] }),
        vs('delegate', { http: [] }),
      ],
      { engine },
    );
    expect(
      fs.map((f) => `${f.code} ${f.severity} ${f.object.name} ${f.path}: ${f.message} (${f.hint})`),
    ).toEqual([
      'SY100 error one-string spec.hosts: spec.hosts is a string, not a list (write hosts as a list of strings ([reviews]))',
      'SY100 error nested spec.hosts[0]: is a list, not a string (each of hosts is one name)',
      'SY100 error nested spec.gateways[1]: is a number, not a string (each of gateways is one name)',
    ]);
  });

  it('an HTTPRoute whose hostnames are not a list of strings', () => {
    const route = (name: string, hostnames: unknown): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name, namespace: 'ns' },
      spec: { hostnames, rules: [] },
    });
    expect(
      codes(lintObjects([route('a', { host: 'x' }), route('b', ['x', null]), route('c', ['x'])], { engine })),
    ).toEqual(['SY100 a spec.hostnames', 'SY100 b spec.hostnames[1]']);
  });
});
