import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { applyJsonPatch } from '../../../../shared/mesh/model/index.ts';
import { applyPatchToYaml, detectIndentSeq, YamlEditError } from '../../../../shared/mesh/plan/index.ts';

function js(text: string, i = 0): unknown {
  return (parseAllDocuments(text) as Array<{ toJS(): unknown }>)[i]!.toJS();
}

const vs = `# header comment
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews # the name
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 90 # stable
    - destination:
        host: reviews
        subset: v2
      weight: 10
`;

describe('applyPatchToYaml', () => {
  it('replaces a scalar in place and keeps its trailing comment', () => {
    const out = applyPatchToYaml(vs, 0, [{ op: 'replace', path: '/spec/http/0/route/0/weight', value: 75 }]);
    expect(out).toBe(vs.replace('weight: 90 # stable', 'weight: 75 # stable'));
  });

  it('keeps the quoting style of a replaced string', () => {
    const text = `a: 'x'\nb: "y"\nc: z\n`;
    const out = applyPatchToYaml(text, 0, [
      { op: 'replace', path: '/a', value: "it's" },
      { op: 'replace', path: '/b', value: 'q"q' },
      { op: 'replace', path: '/c', value: 'true' },
    ]);
    expect(out).toBe(`a: 'it''s'\nb: "q\\"q"\nc: "true"\n`);
    expect(js(out)).toEqual({ a: "it's", b: 'q"q', c: 'true' });
  });

  it('adds a key to a block mapping at the indentation of its siblings', () => {
    const text = vs.replace('      weight: 10\n', '');
    const out = applyPatchToYaml(text, 0, [{ op: 'add', path: '/spec/http/0/route/1/weight', value: 10 }]);
    expect(out).toBe(vs);
  });

  it('appends a list item in the style of the list', () => {
    const out = applyPatchToYaml(vs, 0, [
      {
        op: 'add',
        path: '/spec/http/0/route/-',
        value: { destination: { host: 'reviews', subset: 'v3' }, weight: 0 },
      },
    ]);
    expect(out).toBe(`${vs}    - destination:\n        host: reviews\n        subset: v3\n      weight: 0\n`);
  });

  it('inserts a list item before an existing one, above the comments that describe it', () => {
    const text = `items:\n  - a\n  # about b\n  - b\n`;
    const out = applyPatchToYaml(text, 0, [{ op: 'add', path: '/items/1', value: 'new' }]);
    expect(out).toBe(`items:\n  - a\n  - new\n  # about b\n  - b\n`);
  });

  it('removes a list item and leaves the neighbours byte for byte', () => {
    const out = applyPatchToYaml(vs, 0, [{ op: 'remove', path: '/spec/http/0/route/1' }]);
    expect(out).toBe(
      vs.slice(0, vs.indexOf('    - destination:\n        host: reviews\n        subset: v2')),
    );
  });

  it('removes the first key of a list item without losing the dash', () => {
    const text = `l:\n- name: x\n  match: 1\n- name: y\n`;
    const out = applyPatchToYaml(text, 0, [{ op: 'remove', path: '/l/0/name' }]);
    expect(out).toBe(`l:\n- match: 1\n- name: y\n`);
  });

  it('writes an empty flow collection when the last element goes', () => {
    const out = applyPatchToYaml(`a:\n  b: [1]\n`, 0, [{ op: 'remove', path: '/a/b/0' }]);
    expect(js(out)).toEqual({ a: { b: [] } });
  });

  it('edits flow collections inside their brackets', () => {
    const text = `r: {destination: {host: a}, weight: 50}\nl: [1, 2]\n`;
    const out = applyPatchToYaml(text, 0, [
      { op: 'replace', path: '/r/weight', value: 40 },
      { op: 'add', path: '/r/extra', value: 1 },
      { op: 'add', path: '/l/-', value: 3 },
      { op: 'remove', path: '/l/0' },
    ]);
    expect(out).toBe(`r: {destination: {host: a}, weight: 40, extra: 1}\nl: [2, 3]\n`);
  });

  it('adds a mapping under metadata (an annotation) and creates annotations when absent', () => {
    const out = applyPatchToYaml(vs, 0, [
      { op: 'add', path: '/metadata/annotations', value: { 'switchyard.io/disabled-rules': '[{"a":1}]' } },
    ]);
    expect(js(out)).toMatchObject({
      metadata: { name: 'reviews', annotations: { 'switchyard.io/disabled-rules': '[{"a":1}]' } },
    });
    expect(out.startsWith('# header comment\napiVersion')).toBe(true);
  });

  it('touches only the addressed document of a multi-document file', () => {
    const text = `a: 1\n---\n# second\nb: 2\n---\nc: 3\n`;
    const out = applyPatchToYaml(text, 1, [{ op: 'replace', path: '/b', value: 5 }]);
    expect(out).toBe(`a: 1\n---\n# second\nb: 5\n---\nc: 3\n`);
  });

  it('adds at the end of a file without a trailing newline', () => {
    const out = applyPatchToYaml('a:\n  b: 1', 0, [{ op: 'add', path: '/a/c', value: 2 }]);
    expect(js(out)).toEqual({ a: { b: 1, c: 2 } });
  });

  it('applies test operations without changing the text, and fails on a wrong value', () => {
    expect(applyPatchToYaml(vs, 0, [{ op: 'test', path: '/spec/http/0/route/0/weight', value: 90 }])).toBe(
      vs,
    );
    expect(() =>
      applyPatchToYaml(vs, 0, [{ op: 'test', path: '/spec/http/0/route/0/weight', value: 80 }]),
    ).toThrow(/test failed/);
  });

  it('refuses to edit through a YAML alias', () => {
    const text = `base: &b {w: 1}\nuse: *b\n`;
    expect(() => applyPatchToYaml(text, 0, [{ op: 'replace', path: '/use/w', value: 2 }])).toThrow(
      YamlEditError,
    );
  });

  it('refuses a document index that does not exist', () => {
    expect(() => applyPatchToYaml('a: 1\n', 3, [{ op: 'replace', path: '/a', value: 2 }])).toThrow(
      /document #4/,
    );
  });

  it('detects whether lists are indented under their key', () => {
    expect(detectIndentSeq('a:\n  - x\nb:\n  - y\n')).toBe(true);
    expect(detectIndentSeq('a:\n- x\nb:\n- y\n')).toBe(false);
  });

  it('gives the same value as applyJsonPatch for random weight edits (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (w1, w2, flow) => {
          const text = flow ? `r:\n  - {w: 90}\n  - {w: 10}\n` : vs;
          const path1 = flow ? '/r/0/w' : '/spec/http/0/route/0/weight';
          const path2 = flow ? '/r/1/w' : '/spec/http/0/route/1/weight';
          const ops = [
            { op: 'replace' as const, path: path1, value: w1 },
            { op: 'replace' as const, path: path2, value: w2 },
          ];
          const out = applyPatchToYaml(text, 0, ops);
          expect(js(out)).toEqual(applyJsonPatch(js(text), ops));
          expect(out.split('\n').length).toBe(text.split('\n').length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('applyPatchToYaml from the caller’s parse', () => {
  it('starts from the documents the caller parsed (as the file commands read them): the same text', () => {
    const ops = [
      { op: 'test', path: '/spec/http/0/route/0/weight', value: 90 },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 70 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 30 },
    ] as const;
    const docs = parseAllDocuments(vs, { prettyErrors: false });
    if (!Array.isArray(docs)) throw new Error('expected documents');
    const read = new Set<string>();
    const watched = docs.map(
      (d) =>
        new Proxy(d, {
          get(target, key, receiver) {
            read.add(String(key));
            return Reflect.get(target, key, receiver);
          },
        }),
    );
    const edited = applyPatchToYaml(vs, 0, ops, watched);
    expect(edited).toBe(applyPatchToYaml(vs, 0, ops));
    expect(edited).toContain('weight: 70 # stable');
    expect(read.has('contents')).toBe(true);
  });
});
