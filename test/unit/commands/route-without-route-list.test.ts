import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCommand } from '../../helpers/routing-command-runner.ts';

// A VirtualService with no http routes yet (`http:` left empty, or no `http` at all): the first
// content rule planned `add /spec/http/0` under a list that is not there, and `switchyard route`
// died with "JsonPatchError: path /spec/http/0 …" and a stack trace.

const destinationRule = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: default
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
`;

const virtualService = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts: [reviews]
${http}---
${destinationRule}`;

function workdir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-route-list-'));
  writeFileSync(join(dir, 'reviews.yaml'), text);
  return dir;
}

const route = (dir: string, write = false) =>
  runCommand(
    [
      'route',
      '-f',
      'reviews.yaml',
      '--host',
      'reviews',
      '--to',
      'v2',
      '--when',
      'header:end-user=jason',
      ...(write ? ['--write'] : []),
    ],
    dir,
  );

describe('switchyard route on a VirtualService without an http list', () => {
  it('with no http key writes the rule as the first http route', async () => {
    const dir = workdir(virtualService(''));
    const r = await route(dir, true);
    expect(r.err).not.toMatch(/JsonPatchError|\n\s+at /);
    expect(r.code).toBe(0);
    const [vs] = parseAllDocuments(readFileSync(join(dir, 'reviews.yaml'), 'utf8')) as Array<{
      toJS(): { spec: { http: unknown } };
    }>;
    expect(vs?.toJS().spec.http).toEqual([
      {
        name: 'v2-header-end-user',
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
    ]);
  });

  it('with an empty http key says it cannot edit that line, and leaves the file as it was', async () => {
    const text = virtualService('  http:\n');
    const dir = workdir(text);
    const r = await route(dir, true);
    expect(r.err).not.toMatch(/JsonPatchError|\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot change /spec/http in document #1');
    expect(readFileSync(join(dir, 'reviews.yaml'), 'utf8')).toBe(text);
  });

  it('refuses an http that is not a list with a one-line reason, and leaves the file as it was', async () => {
    const text = virtualService('  http: 5\n');
    const dir = workdir(text);
    const r = await route(dir, true);
    expect(r.err).not.toMatch(/JsonPatchError|\n\s+at /);
    expect(r.code).toBe(1);
    expect(r.err).toContain('spec.http must be a list of routes');
    expect(readFileSync(join(dir, 'reviews.yaml'), 'utf8')).toBe(text);
  });
});

describe('an HTTPRoute whose rules are not a list', () => {
  it('is read-only, saying so', async () => {
    const { readReleases } = await import('../../../shared/mesh/read/index.ts');
    const [release] = readReleases([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: { parentRefs: [{ name: 'gw' }], hostnames: ['checkout.example.com'], rules: 5 },
      },
    ]);
    expect(release?.editable).toBe(false);
    expect(release?.readOnlyReasons).toContain('HTTPRoute shop/checkout: spec.rules must be a list of rules');
  });
});
