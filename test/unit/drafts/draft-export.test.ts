import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  changedObjects,
  editYamlFile,
  exportJsonPatches,
  exportKubectlYaml,
  forKubectl,
} from '../../../main/core/drafts/draft-export.ts';
import { importYamlText } from '../../../main/core/drafts/draft-import.ts';
import { draftObjects, editDraft } from '../../../main/core/drafts/draft-objects.ts';
import type { Draft } from '../../../main/core/drafts/draft-schema.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch, deepClone, JsonPatchTestError } from '../../../shared/mesh/model/index.ts';
import { addContentRule, addVersion, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import { draftFromFixture, fixtureText, ROUTING_FILE } from './draft-fixtures.ts';

function withServerFields(draft: Draft): Draft {
  const d = deepClone(draft);
  d.base.objects.forEach((o, i) => {
    o.metadata.resourceVersion = String(100 + i);
    o.metadata.uid = `uid-${i}`;
    o.metadata.managedFields = [{ manager: 'kubectl' }];
    o.status = {};
  });
  return d;
}

const canary = (d: Draft) => editDraft(d, (x) => setSplit(x, shares({ v1: 70, v2: 30 })));
const withRule = (d: Draft) =>
  editDraft(d, (x) =>
    addContentRule(setSplit(x, shares({ v1: 50, v2: 50 })), {
      name: 'beta',
      matches: [{ headers: { 'x-beta': { exact: '1' } } }],
      version: 'v2',
    }),
  );
const withVersion = (d: Draft) =>
  editDraft(d, (x) =>
    setSplit(addVersion(x, { name: 'v3', labels: { version: 'v3' } }), shares({ v1: 80, v2: 10, v3: 10 })),
  );

describe('importing YAML into a draft', () => {
  it('keeps VirtualServices, DestinationRules and HTTPRoutes, skipping other kinds by name', () => {
    const r = importYamlText(fixtureText(ROUTING_FILE), ROUTING_FILE);
    expect(r.objects.map((o) => [o.object.kind, o.documentIndex])).toEqual([
      ['VirtualService', 0],
      ['DestinationRule', 1],
    ]);
    expect(r.skipped).toEqual(['ConfigMap unrelated']);
  });

  it('names the file, line and document of a syntax error', () => {
    expect(() =>
      importYamlText('apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\nkind: [oops\n', 'x.yaml'),
    ).toThrow(/x\.yaml:\d+: YAML syntax error in document #2/);
  });

  it('says a document nested too deeply is, instead of the engine’s stack overflow', () => {
    const deep = `apiVersion: v1\nkind: VirtualService\nmetadata: {name: a}\nspec: {hosts: ${'['.repeat(5000)}${']'.repeat(5000)}}\n`;
    expect(() => importYamlText(deep, 'deep.yaml')).toThrow(
      'deep.yaml:4: YAML syntax error in document #1: the document nests lists or mappings too deeply to be read',
    );
  });

  it('names a routing object without a name', () => {
    expect(() =>
      importYamlText('apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: {}\n', 'y.yaml'),
    ).toThrow("y.yaml:doc#1: VirtualService: field 'metadata.name' is missing");
  });
});

describe.each([
  ['a split change', canary],
  ['a new content rule', withRule],
  ['a new version', withVersion],
])('exporting %s', (_name, edit) => {
  const draft = withServerFields(edit(draftFromFixture()));
  const base = draft.base.objects;
  const objects = draftObjects(draft);
  const changed = changedObjects(base, objects);

  it('changes at least one object', () => {
    expect(changed.length).toBeGreaterThan(0);
  });

  it('writes kubectl YAML that parses back to the same objects, without server-owned fields', () => {
    const yaml = exportKubectlYaml(changed);
    const parsed = parseAllDocuments(yaml);
    if (!Array.isArray(parsed)) throw new Error('expected documents');
    const back = parsed.map((d) => d.toJS() as KubeObject);
    expect(back).toEqual(changed.map(forKubectl));
    for (const o of back) {
      expect(o.metadata).not.toHaveProperty('resourceVersion');
      expect(o.metadata).not.toHaveProperty('managedFields');
      expect(o).not.toHaveProperty('status');
    }
    // Nothing else is lost: put the server fields back and it is the draft object again.
    back.forEach((o, i) => {
      const orig = changed[i]!;
      const { resourceVersion, uid, managedFields } = orig.metadata;
      expect({
        ...o,
        status: orig.status,
        metadata: { ...o.metadata, resourceVersion, uid, managedFields },
      }).toEqual(orig);
    });
  });

  it('writes JSON Patches that turn the base into the draft objects, guarded by tests', () => {
    const patches = exportJsonPatches(draft);
    expect(patches.length).toBe(changed.length);
    const rebuilt = base.map((o) => {
      const p = patches.find((x) => x.target.kind === o.kind && x.target.name === o.metadata.name);
      return p && 'patch' in p ? applyJsonPatch(o, p.patch) : o;
    });
    expect(rebuilt).toEqual(objects);
    for (const p of patches) {
      if (!('patch' in p)) throw new Error('the draft creates no objects');
      expect(p.patch[0]).toEqual({
        op: 'test',
        path: '/metadata/resourceVersion',
        value: expect.any(String),
      });
    }
  });

  it('writes JSON Patches that refuse an object someone changed since', () => {
    for (const p of exportJsonPatches(draft)) {
      if (!('patch' in p)) continue;
      const target = base.find((o) => o.kind === p.target.kind)!;
      const moved = { ...target, metadata: { ...target.metadata, resourceVersion: '999' } };
      expect(() => applyJsonPatch(moved, p.patch)).toThrow(JsonPatchTestError);
    }
  });

  it('edits the YAML file, keeping every comment and every unedited line byte for byte', () => {
    const text = fixtureText(ROUTING_FILE);
    const result = editYamlFile(text, ROUTING_FILE, draft);
    expect(result.notInFile).toEqual([]);
    expect(result.edited.length).toBe(changed.length);
    // The file's routing documents now hold the draft's values.
    for (const d of importYamlText(result.text, ROUTING_FILE).objects) {
      const want = objects.find((o) => o.kind === d.object.kind)!;
      expect(d.object.spec).toEqual(want.spec);
    }
    // Lines of the original appear in the same order in the result, except the edited values;
    // every comment among them.
    const before = text.split('\n');
    const after = result.text.split('\n');
    let j = 0;
    const dropped: string[] = [];
    for (const line of before) {
      const k = after.indexOf(line, j);
      if (k === -1) dropped.push(line);
      else j = k + 1;
    }
    expect(dropped.every((l) => /^\s+(- )?weight: \d+ # (stable|canary)$/.test(l))).toBe(true);
    const comments = (t: string) =>
      t
        .split('\n')
        .filter((l) => l.includes('#'))
        .map((l) => l.slice(l.indexOf('#')));
    expect(comments(result.text)).toEqual(comments(text));
  });
});

describe('editing a YAML file that changed since the import', () => {
  it('refuses to overwrite a value the draft changes when the file no longer holds the base value', () => {
    const draft = canary(draftFromFixture());
    const text = fixtureText(ROUTING_FILE)
      .replace('weight: 90 # stable', 'weight: 85 # stable')
      .replace('weight: 10 # canary', 'weight: 15 # canary');
    expect(() => editYamlFile(text, ROUTING_FILE, draft)).toThrow(
      /reviews-routing\.yaml: VirtualService reviews: test failed at \/spec\/http\/1\/route\/0\/weight/,
    );
  });
});
