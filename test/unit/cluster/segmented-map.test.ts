import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashedStringMap, SegmentedMap } from '../../../main/core/cluster/segmented-map.ts';

// The watch cache's and release index's big maps: a Map's behaviour (insertion order included),
// without one table that grows past `segmentSize` and copies all of its entries at once.

type Op = { kind: 'set'; key: number; value: number } | { kind: 'delete'; key: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 40 }), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }),
);

describe('SegmentedMap', () => {
  it('answers as a Map does, in the same order, through any sets and deletes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.array(op, { maxLength: 300 }), (segmentSize, ops) => {
        const map = new Map<number, number>();
        const segmented = new SegmentedMap<number, number>(segmentSize);
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.key, o.value);
            segmented.set(o.key, o.value);
          } else expect(segmented.delete(o.key)).toBe(map.delete(o.key));
          expect(segmented.size).toBe(map.size);
        }
        expect([...segmented]).toEqual([...map]);
        expect([...segmented.keys()]).toEqual([...map.keys()]);
        expect([...segmented.values()]).toEqual([...map.values()]);
        for (let k = 0; k <= 40; k++) {
          expect(segmented.get(k)).toBe(map.get(k));
          expect(segmented.has(k)).toBe(map.has(k));
        }
        expect(segmented.largestSegment).toBeLessThanOrEqual(segmentSize);
      }),
    );
  });

  it('never holds more than segmentSize entries in one table, however many it holds', () => {
    const segmented = new SegmentedMap<string, number>(1000);
    for (let i = 0; i < 10_500; i++) segmented.set(`uid-${i}`, i);
    expect(segmented.size).toBe(10_500);
    expect(segmented.largestSegment).toBe(1000);
    expect(segmented.segmentCount).toBe(11);
    expect(segmented.get('uid-0')).toBe(0);
    expect(segmented.get('uid-10499')).toBe(10_499);
  });

  it('drops emptied segments and merges small neighbours, so churn does not pile up tables', () => {
    const segmented = new SegmentedMap<number, number>(100);
    // Ten rounds of 1,000 short-lived entries and one long-lived one each.
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 1000; i++) segmented.set(round * 1000 + i, i);
      for (let i = 1; i < 1000; i++) segmented.delete(round * 1000 + i);
    }
    expect(segmented.size).toBe(10);
    expect(segmented.segmentCount).toBeLessThanOrEqual(2);
    expect([...segmented.keys()]).toEqual(Array.from({ length: 10 }, (_, r) => r * 1000));
  });

  it('keeps every segment while an iteration is in progress, deleting as it goes', () => {
    const segmented = new SegmentedMap<number, number>(4);
    for (let i = 0; i < 20; i++) segmented.set(i, i);
    const seen: number[] = [];
    for (const [k] of segmented) {
      seen.push(k);
      if (k % 2 === 0) segmented.delete(k + 1);
    }
    expect(seen).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect([...segmented.keys()]).toEqual(seen);
  });
});

describe('SegmentedMap iterators', () => {
  it('left early (break) or run out, no longer hold back the tidying', () => {
    const segmented = new SegmentedMap<number, number>(4);
    for (let i = 0; i < 12; i++) segmented.set(i, i);
    for (const [k] of segmented) if (k === 1) break;
    const values = segmented.values();
    expect([...values]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(values.next().done).toBe(true);
    for (let i = 0; i < 4; i++) segmented.delete(i);
    expect(segmented.segmentCount).toBe(2);
  });

  it('while one is in progress, an emptied segment stays and is still walked past', () => {
    const segmented = new SegmentedMap<number, number>(4);
    for (let i = 0; i < 12; i++) segmented.set(i, i);
    const keys = segmented.keys();
    expect(keys.next().value).toBe(0);
    for (let i = 4; i < 8; i++) segmented.delete(i);
    expect(segmented.segmentCount).toBe(3);
    expect([...keys]).toEqual([1, 2, 3, 8, 9, 10, 11]);
  });
});

describe('HashedStringMap', () => {
  it('spreads ids and names over its tables, none holding more than a quarter of them', () => {
    const map = new HashedStringMap<number>();
    const keys = [
      ...Array.from({ length: 20_000 }, (_, i) => `svc-${i}`),
      ...Array.from(
        { length: 20_000 },
        (_, i) => `3f2a${i.toString(16).padStart(4, '0')}-9c1e-4b7a-8e2d-0b5f${i}`,
      ),
      ...Array.from({ length: 10_000 }, (_, i) => `2026-12-06T20:${String(i % 60).padStart(2, '0')}:${i}Z`),
    ];
    for (const [i, k] of keys.entries()) map.set(k, i);
    map.set('svc-0', -1);
    expect(map.size).toBe(keys.length);
    expect(map.get('svc-0')).toBe(-1);
    expect(map.get('svc-19999')).toBe(19_999);
    expect(map.get('')).toBeUndefined();
    expect(map.largestTable).toBeLessThan(keys.length / 4);
  });
});
