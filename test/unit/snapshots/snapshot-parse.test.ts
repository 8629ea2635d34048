import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSnapshotText } from '../../../main/core/snapshots/snapshot-parse.ts';
import { snapshotSchema } from '../../../main/core/snapshots/snapshot-schema.ts';
import { describeZodIssues } from '../../../shared/api/errors.ts';

// A snapshot file is parsed and checked object by object, in slices: the answer must be the one a
// JSON.parse and zod check of the whole text give, valid or not.

const header = {
  schemaVersion: 1,
  contextId: 'kube:prod',
  contextName: 'prod',
  cluster: 'prod-eu',
  capturedAt: '2026-12-06T20:00:00.000Z',
};

const object = fc.oneof(
  fc.record({
    apiVersion: fc.constantFrom('networking.istio.io/v1', 'v1', ''),
    kind: fc.constantFrom('VirtualService', 'Service', 'Deployment', 'Pod'),
    metadata: fc.record(
      { name: fc.constantFrom('reviews', ''), namespace: fc.constantFrom('shop', 'books'), uid: fc.string() },
      { requiredKeys: ['name'] },
    ),
    spec: fc.dictionary(fc.string(), fc.integer()),
  }),
  fc.constantFrom(null, 3, 'text', []),
);

/** What the store did before: one JSON.parse and one zod check of everything. */
function whole(text: string) {
  const parsed = snapshotSchema.safeParse(JSON.parse(text));
  return parsed.success ? { snapshot: parsed.data } : { invalid: describeZodIssues(parsed.error) };
}

describe('parseSnapshotText', () => {
  it('answers as one parse and check of the whole text does, snapshot or issues', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(object, { maxLength: 12 }),
        fc.constantFrom(header, { ...header, contextId: '' }, { ...header, capturedAt: 'yesterday' }),
        fc.boolean(),
        async (objects, head, objectsFirst) => {
          const text = JSON.stringify(objectsFirst ? { objects, ...head } : { ...head, objects });
          expect(await parseSnapshotText(text, 0)).toEqual(whole(text));
        },
      ),
    );
  });

  it('gives the event loop a turn between objects', async () => {
    const objects = Array.from({ length: 20 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: 'shop' },
    }));
    let turns = 0;
    let parsing = true;
    const count = () => {
      turns++;
      if (parsing) setImmediate(count);
    };
    setImmediate(count);
    const parsed = await parseSnapshotText(JSON.stringify({ ...header, objects }), 0);
    parsing = false;
    expect('snapshot' in parsed && parsed.snapshot.objects).toHaveLength(20);
    // Parsing and checking, each object a slice of its own with a budget of 0 ms.
    expect(turns).toBeGreaterThanOrEqual(40);
  });

  it('tells a newer schema, a text without objects and one that is not JSON apart', async () => {
    expect(await parseSnapshotText(JSON.stringify({ ...header, schemaVersion: 2, objects: [] }))).toEqual({
      newer: 2,
    });
    expect(await parseSnapshotText(JSON.stringify({ schemaVersion: 7 }))).toEqual({ newer: 7 });
    expect(await parseSnapshotText(JSON.stringify(header))).toEqual({
      invalid: 'objects: Invalid input: expected array, received undefined',
    });
    await expect(parseSnapshotText('{"schemaVersion":1,"objects":[{"a":')).rejects.toThrow(SyntaxError);
  });
});
