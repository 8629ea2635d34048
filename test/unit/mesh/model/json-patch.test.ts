import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonPatchOp } from '../../../../shared/mesh/model/index.ts';
import {
  applyJsonPatch,
  deepEqual,
  diffToJsonPatch,
  formatPointer,
  getAtPointer,
  JsonPatchError,
  JsonPatchTestError,
  parsePointer,
} from '../../../../shared/mesh/model/index.ts';

describe('applyJsonPatch (RFC 6902)', () => {
  it('adds a member to an object and an element into an array, shifting later elements', () => {
    const out = applyJsonPatch({ a: [1, 3] }, [
      { op: 'add', path: '/b', value: 'x' },
      { op: 'add', path: '/a/1', value: 2 },
    ]);
    expect(out).toEqual({ a: [1, 2, 3], b: 'x' });
  });

  it('appends with the "-" index', () => {
    expect(applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }])).toEqual({ a: [1, 2] });
  });

  it('replaces an existing member and an existing element', () => {
    const out = applyJsonPatch({ a: 1, l: [0, 0] }, [
      { op: 'replace', path: '/a', value: 2 },
      { op: 'replace', path: '/l/1', value: 9 },
    ]);
    expect(out).toEqual({ a: 2, l: [0, 9] });
  });

  it('refuses to replace a member that does not exist', () => {
    expect(() => applyJsonPatch({}, [{ op: 'replace', path: '/a', value: 1 }])).toThrow(JsonPatchError);
  });

  it('removes members and elements', () => {
    expect(
      applyJsonPatch({ a: 1, b: [1, 2, 3] }, [
        { op: 'remove', path: '/a' },
        { op: 'remove', path: '/b/0' },
      ]),
    ).toEqual({
      b: [2, 3],
    });
  });

  it('moves and copies values', () => {
    const out = applyJsonPatch({ a: { x: 1 }, b: {} }, [
      { op: 'copy', from: '/a/x', path: '/b/y' },
      { op: 'move', from: '/a', path: '/c' },
    ]);
    expect(out).toEqual({ b: { y: 1 }, c: { x: 1 } });
  });

  it('refuses to move a value into its own child', () => {
    expect(() => applyJsonPatch({ a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }])).toThrow(
      /own child/,
    );
  });

  it('unescapes ~1 to / and ~0 to ~ in pointers', () => {
    const out = applyJsonPatch({ 'a/b': 1, 'm~n': 2 }, [
      { op: 'replace', path: '/a~1b', value: 10 },
      { op: 'replace', path: '/m~0n', value: 20 },
    ]);
    expect(out).toEqual({ 'a/b': 10, 'm~n': 20 });
    expect(parsePointer('/metadata/annotations/switchyard.io~1disabled-rules')).toEqual([
      'metadata',
      'annotations',
      'switchyard.io/disabled-rules',
    ]);
    expect(formatPointer(['a/b', 'm~n', 0])).toBe('/a~1b/m~0n/0');
  });

  it('throws a JsonPatchTestError naming the path when a test fails, and changes nothing', () => {
    const input = { metadata: { resourceVersion: '7' }, w: 90 };
    const ops: JsonPatchOp[] = [
      { op: 'replace', path: '/w', value: 80 },
      { op: 'test', path: '/metadata/resourceVersion', value: '6' },
    ];
    let caught: unknown;
    try {
      applyJsonPatch(input, ops);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(JsonPatchTestError);
    expect((caught as JsonPatchTestError).path).toBe('/metadata/resourceVersion');
    expect((caught as JsonPatchTestError).opIndex).toBe(1);
    expect(input.w).toBe(90);
  });

  it('compares values deeply in test, regardless of key order', () => {
    expect(() =>
      applyJsonPatch({ a: { x: 1, y: [1, 2] } }, [{ op: 'test', path: '/a', value: { y: [1, 2], x: 1 } }]),
    ).not.toThrow();
    expect(() => applyJsonPatch({ a: [1, 2] }, [{ op: 'test', path: '/a', value: [2, 1] }])).toThrow(
      JsonPatchTestError,
    );
  });

  it('rejects array indexes with leading zeros or out of bounds', () => {
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/01', value: 2 }])).toThrow(
      /invalid array index/,
    );
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/3', value: 2 }])).toThrow(
      /out of bounds/,
    );
    expect(() => applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/1' }])).toThrow(/out of bounds/);
  });

  it('replaces the whole document with an empty path', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
  });

  it('treats __proto__ as an ordinary key and never pollutes prototypes', () => {
    const out = applyJsonPatch({} as Record<string, unknown>, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
    ]);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('never mutates its input', () => {
    const input = { a: [{ b: 1 }] };
    applyJsonPatch(input, [{ op: 'replace', path: '/a/0/b', value: 2 }]);
    expect(input).toEqual({ a: [{ b: 1 }] });
  });

  it('reads values with getAtPointer and answers undefined for missing steps', () => {
    expect(getAtPointer({ a: [{ b: 5 }] }, '/a/0/b')).toBe(5);
    expect(getAtPointer({ a: [] }, '/a/0/b')).toBeUndefined();
  });
});

describe('diffToJsonPatch', () => {
  it('emits only the changed weight when one weight changes', () => {
    const a = { spec: { http: [{ route: [{ weight: 90 }, { weight: 10 }] }] } };
    const b = { spec: { http: [{ route: [{ weight: 80 }, { weight: 20 }] }] } };
    expect(diffToJsonPatch(a, b)).toEqual([
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 80 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 20 },
    ]);
  });

  it('removes surplus array elements from the end first', () => {
    expect(diffToJsonPatch([1, 2, 3], [1])).toEqual([
      { op: 'remove', path: '/2' },
      { op: 'remove', path: '/1' },
    ]);
  });

  it('is empty for equal values', () => {
    expect(diffToJsonPatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it('round-trips: applying diff(a, b) to a gives b, for any JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(deepEqual(applyJsonPatch(a, diffToJsonPatch(a, b)), b)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips on objects that differ a little (the common case for history)', () => {
    const obj = fc.dictionary(
      fc.string({ maxLength: 3 }),
      fc.oneof(fc.integer(), fc.array(fc.integer(), { maxLength: 4 })),
    );
    fc.assert(
      fc.property(obj, obj, (a, b) => {
        const merged = { ...a, ...b };
        expect(applyJsonPatch(a, diffToJsonPatch(a, merged))).toEqual(merged);
      }),
      { numRuns: 300 },
    );
  });
});
