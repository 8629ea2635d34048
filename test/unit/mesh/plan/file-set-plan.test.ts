import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, TrafficSplit } from '../../../../shared/mesh/model/index.ts';
import {
  addVersion,
  type FileOutcome,
  folderOf,
  outcomeLine,
  planFileSet,
  type SetFile,
  setCatchAllTo,
  setSplit,
} from '../../../../shared/mesh/plan/index.ts';

// The multi-file plan of `switchyard split|cutover`: which objects each route is planned with,
// one outcome per file, and nothing half-decided (the command writes only when no file failed).

const vs = (weights: Record<string, number>, name = 'reviews') => `# the reviews route
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  hosts: [reviews]
  http:
    - route:
${Object.entries(weights)
  .map(([v, w]) => `        - destination: { host: reviews, subset: ${v} }\n          weight: ${w}\n`)
  .join('')}`;

const dr = (...subsets: string[]) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  host: reviews
  subsets:
${subsets.map((s) => `    - name: ${s}\n      labels: { version: ${s} }\n`).join('')}`;

function setFile(file: string, text: string): SetFile {
  const docs = parseAllDocuments(text) as Array<{ toJS(): unknown }>;
  const objects = docs
    .map((d, i) => ({ index: i + 1, object: d.toJS() as KubeObject }))
    .filter((o) => o.object !== null);
  return { file, text, objects };
}

const split = (weights: TrafficSplit) => (r: Parameters<typeof setSplit>[0]) => setSplit(r, weights);
const kinds = (outcomes: FileOutcome[]) => outcomes.map((o) => [o.file, o.kind]);
const byFile = (outcomes: FileOutcome[], file: string) => outcomes.find((o) => o.file === file)!;
const afterOf = (o: FileOutcome) => (o.kind === 'changed' ? o.after : undefined);

const fleet = () => [
  setFile('clusters/eu-1/dr.yaml', dr('v1', 'v2', 'v3')),
  setFile('clusters/eu-1/vs.yaml', vs({ v1: 100, v2: 0 })),
  setFile('clusters/us-1/dr.yaml', dr('v1', 'v2')),
  setFile('clusters/us-1/vs.yaml', vs({ v1: 90, v2: 10 })),
  setFile('clusters/ap-1/vs.yaml', vs({ v1: 100, v2: 0 })),
];

describe('planFileSet over a folder per cluster', () => {
  it('edits every cluster’s route, says unchanged where it already holds, and no route for the others', () => {
    const plan = planFileSet(
      fleet(),
      { host: 'reviews' },
      'clusters',
      split([
        { version: 'v1', weight: 90 },
        { version: 'v2', weight: 10 },
      ]),
    );
    expect(plan.noRoute).toBeUndefined();
    expect(kinds(plan.outcomes)).toEqual([
      ['clusters/eu-1/dr.yaml', 'no-route'],
      ['clusters/eu-1/vs.yaml', 'changed'],
      ['clusters/us-1/dr.yaml', 'no-route'],
      ['clusters/us-1/vs.yaml', 'unchanged'],
      ['clusters/ap-1/vs.yaml', 'changed'],
    ]);
    const eu = byFile(plan.outcomes, 'clusters/eu-1/vs.yaml');
    expect(afterOf(eu)).toBe(vs({ v1: 90, v2: 10 }));
    expect(outcomeLine(eu, 'reviews')).toBe(
      'clusters/eu-1/vs.yaml: VirtualService bookinfo/reviews: v2 0% → 10%, v1 100% → 90%',
    );
    expect(outcomeLine(byFile(plan.outcomes, 'clusters/us-1/vs.yaml'), 'reviews')).toBe(
      'clusters/us-1/vs.yaml: VirtualService bookinfo/reviews: unchanged (v1 90%, v2 10%)',
    );
    expect(outcomeLine(byFile(plan.outcomes, 'clusters/eu-1/dr.yaml'), 'reviews')).toBe(
      'clusters/eu-1/dr.yaml: no route for reviews',
    );
  });

  it('plans each route with its own folder’s DestinationRule, so a version one cluster lacks fails only there', () => {
    const plan = planFileSet(
      fleet(),
      { host: 'reviews' },
      'clusters',
      split([
        { version: 'v1', weight: 90 },
        { version: 'v3', weight: 10 },
      ]),
    );
    expect(kinds(plan.outcomes).filter(([, k]) => k !== 'no-route')).toEqual([
      ['clusters/eu-1/vs.yaml', 'changed'],
      ['clusters/us-1/vs.yaml', 'error'],
      ['clusters/ap-1/vs.yaml', 'error'],
    ]);
    expect(afterOf(byFile(plan.outcomes, 'clusters/eu-1/vs.yaml'))).toContain('subset: v3');
    const us = byFile(plan.outcomes, 'clusters/us-1/vs.yaml');
    expect(outcomeLine(us, 'reviews')).toMatch(
      /^clusters\/us-1\/vs\.yaml: error: doc#1: VirtualService reviews: .*'v3'/,
    );
  });

  it('with one route file reads every file with it, as one file always was', () => {
    const files = [
      setFile('routes/vs.yaml', vs({ v1: 100, v2: 0 })),
      setFile('rules/dr.yaml', dr('v1', 'v2', 'v3')),
    ];
    const plan = planFileSet(
      files,
      { host: 'reviews' },
      'routes/vs.yaml, rules/dr.yaml',
      split([
        { version: 'v1', weight: 80 },
        { version: 'v3', weight: 20 },
      ]),
    );
    expect(kinds(plan.outcomes)).toEqual([
      ['routes/vs.yaml', 'changed'],
      ['rules/dr.yaml', 'no-route'],
    ]);
  });

  it('in one folder with a file per cluster, a route’s own DestinationRule comes before its neighbour’s', () => {
    const files = [
      setFile('fleet/common.yaml', dr('v1', 'v2', 'v3')),
      setFile('fleet/eu-1.yaml', vs({ v1: 100, v2: 0 })),
      setFile('fleet/us-1.yaml', `${vs({ v1: 100, v2: 0 })}---\n${dr('v1', 'v2')}`),
    ];
    const plan = planFileSet(files, { host: 'reviews' }, 'fleet', (r) => setCatchAllTo(r, 'v3'));
    expect(kinds(plan.outcomes)).toEqual([
      ['fleet/common.yaml', 'no-route'],
      ['fleet/eu-1.yaml', 'changed'],
      ['fleet/us-1.yaml', 'error'],
    ]);
    expect(outcomeLine(plan.outcomes[2]!, 'reviews')).toContain("'v3'");
  });

  it('refuses two routes whose plans would edit one shared file', () => {
    const files = [
      setFile('shared/dr.yaml', dr('v1', 'v2')),
      setFile('shared/eu-1.yaml', vs({ v1: 100, v2: 0 })),
      setFile('shared/us-1.yaml', vs({ v1: 100, v2: 0 })),
    ];
    const plan = planFileSet(files, { host: 'reviews' }, 'shared', (r) =>
      addVersion(r, { name: 'v4', labels: { version: 'v4' } }),
    );
    expect(kinds(plan.outcomes)).toEqual([
      ['shared/dr.yaml', 'no-route'],
      ['shared/eu-1.yaml', 'error'],
      ['shared/us-1.yaml', 'error'],
    ]);
    expect(outcomeLine(plan.outcomes[1]!, 'reviews')).toBe(
      'shared/eu-1.yaml: error: shared/dr.yaml would be edited for several routes (shared/eu-1.yaml, shared/us-1.yaml); give their folders one run each',
    );
  });

  it('is an error of the whole set only when no file routes the host', () => {
    const files = [setFile('a/dr.yaml', dr('v1')), setFile('b/vs.yaml', vs({ v1: 100 }, 'ratings'))];
    const plan = planFileSet(files, { host: 'details' }, 'a, b', split([{ version: 'v1', weight: 100 }]));
    expect(plan.noRoute).toBe(
      "a, b: no VirtualService or HTTPRoute for host 'details' (hosts found: reviews)",
    );
    expect(kinds(plan.outcomes)).toEqual([
      ['a/dr.yaml', 'no-route'],
      ['b/vs.yaml', 'no-route'],
    ]);
  });

  it('keeps a file that could not be read as its error, and passes over a skipped one', () => {
    const files: SetFile[] = [
      {
        file: 'c/broken.yaml',
        text: '',
        objects: [],
        readError: 'c/broken.yaml:3: YAML syntax error in document #1: x',
      },
      { file: 'c/values.yaml', text: '', objects: [], skipped: 'not Kubernetes objects' },
      setFile('c/vs.yaml', vs({ v1: 100, v2: 0 })),
    ];
    const plan = planFileSet(files, { host: 'reviews' }, 'c', (r) => setCatchAllTo(r, 'v2'));
    expect(kinds(plan.outcomes)).toEqual([
      ['c/broken.yaml', 'error'],
      ['c/values.yaml', 'skipped'],
      ['c/vs.yaml', 'changed'],
    ]);
    expect(outcomeLine(plan.outcomes[0]!, 'reviews')).toBe(
      'c/broken.yaml: error: 3: YAML syntax error in document #1: x',
    );
    expect(outcomeLine(plan.outcomes[1]!, 'reviews')).toBe('c/values.yaml: skipped: not Kubernetes objects');
    // Unreadable files may hold the route: "no file routes the host" is not claimed.
    expect(
      planFileSet(files.slice(0, 2), { host: 'reviews' }, 'c', (r) => r as never).noRoute,
    ).toBeUndefined();
  });

  it('property: planning the same split again over the edited files changes nothing', () => {
    const weights = fc.integer({ min: 0, max: 100 }).map((w) => ({ v1: w, v2: 100 - w }));
    fc.assert(
      fc.property(
        fc.array(weights, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        (clusters, w) => {
          const files = clusters.map((c, i) => setFile(`clusters/c${i}/vs.yaml`, vs(c)));
          const change = split([
            { version: 'v1', weight: w },
            { version: 'v2', weight: 100 - w },
          ]);
          const first = planFileSet(files, { host: 'reviews' }, 'clusters', change);
          for (const [i, o] of first.outcomes.entries())
            expect(o.kind).toBe(clusters[i]!.v1 === w ? 'unchanged' : 'changed');
          const edited = first.outcomes.map((o, i) => setFile(o.file, afterOf(o) ?? files[i]!.text));
          const again = planFileSet(edited, { host: 'reviews' }, 'clusters', change);
          expect(again.outcomes.every((o) => o.kind === 'unchanged')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('folderOf', () => {
  it('is the path without its last part, for either separator', () => {
    expect(folderOf('clusters/eu-1/vs.yaml')).toBe('clusters/eu-1');
    expect(folderOf('clusters\\us-1\\vs.yaml')).toBe('clusters\\us-1');
    expect(folderOf('vs.yaml')).toBe('');
  });
});
