import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { runCommand } from '../../helpers/routing-command-runner.ts';

// A content rule (a route with a match) whose `route` is not a list: a hand-edited file, a draft
// or a snapshot is checked by no API server schema. The reader threw "(route ?? []) is not
// iterable" out of split and cutover, which printed a stack trace instead of the file's problem.

const rules = (route: unknown) => [
  { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route },
  {
    route: [
      { destination: { host: 'reviews', subset: 'v1' }, weight: 100 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 0 },
    ],
  },
];

const objects = (route: unknown): KubeObject[] => [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'default' },
    spec: { hosts: ['reviews'], http: rules(route) },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'default' },
    spec: {
      host: 'reviews',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  },
];

describe("a content rule whose 'route' is not a list", () => {
  it.each([
    ['a number', 5],
    ['a string', 'reviews'],
    ['a mapping', { destination: { host: 'reviews', subset: 'v2' } }],
  ])('as %s is read as a rule Switchyard cannot edit, saying why', (_, route) => {
    const [release] = readReleases(objects(route));
    expect(release?.versions.map((v) => v.name)).toEqual(['v1', 'v2']);
    expect(release?.otherRoutes).toContainEqual(
      expect.objectContaining({ pointer: '/spec/http/0', reason: 'has no destinations' }),
    );
  });

  it('split and cutover answer with the file, not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-rule-route-'));
    const text = objects(5)
      .map((o) => JSON.stringify(o))
      .join('\n---\n');
    writeFileSync(join(dir, 'reviews.yaml'), text);
    const split = await runCommand(
      ['split', '-f', 'reviews.yaml', '--host', 'reviews', '--set', 'v1=50,v2=50'],
      dir,
    );
    expect(split.err).not.toContain('is not iterable');
    expect(split.code).toBe(0);
    expect(split.out).toContain('"weight":50');
    const cutover = await runCommand(
      ['cutover', '-f', 'reviews.yaml', '--host', 'reviews', '--to', 'v2'],
      dir,
    );
    expect(cutover.err).not.toContain('is not iterable');
    expect(cutover.code).toBe(0);
  });
});
