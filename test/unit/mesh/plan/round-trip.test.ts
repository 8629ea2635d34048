import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, ServiceRelease } from '../../../../shared/mesh/model/index.ts';
import { applyJsonPatch, ReleaseEditError } from '../../../../shared/mesh/model/index.ts';
import { applyPatchToYaml, planRelease, setSplit } from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';
import { validateAgainstCrd } from '../../../helpers/crd-schema.ts';
import { repoRoot, sharedReference } from '../../../helpers/shared-reference.ts';

interface Doc {
  index: number;
  object: KubeObject;
}

function load(text: string): Doc[] {
  const out: Doc[] = [];
  (parseAllDocuments(text) as Array<{ toJS(): unknown }>).forEach((d, index) => {
    const o = d.toJS() as KubeObject | null;
    if (o && typeof o === 'object' && typeof o.kind === 'string' && typeof o.apiVersion === 'string') {
      out.push({ index, object: o });
    }
  });
  return out;
}

function docOf(docs: Doc[], r: { kind: string; namespace: string; name: string }): Doc {
  const d = docs.find(
    (x) =>
      x.object.kind === r.kind &&
      x.object.metadata?.name === r.name &&
      (x.object.metadata?.namespace || 'default') === r.namespace,
  );
  if (!d) throw new Error(`no document for ${r.kind} ${r.name}`);
  return d;
}

/** Applies a split through plan + YAML edit and returns the new text and the patched objects. */
function splitText(text: string, docs: Doc[], release: ServiceRelease, weights: Record<string, number>) {
  const objects = docs.map((d) => d.object);
  const split = Object.entries(weights).map(([version, weight]) => ({ version, weight }));
  const plan = planRelease(release, setSplit(release, split), objects);
  let out = text;
  const expected = new Map<number, unknown>();
  for (const step of plan.steps) {
    const doc = docOf(docs, step.target);
    out = applyPatchToYaml(out, doc.index, step.patch);
    expected.set(doc.index, applyJsonPatch(expected.get(doc.index) ?? doc.object, step.patch));
  }
  return { out, plan, expected };
}

/** Another valid split over the same destinations: rotated, or 1 point moved when rotation is a no-op. */
function otherSplit(release: ServiceRelease): Record<string, number> | null {
  const dests = release.defaultRoute?.destinations ?? [];
  if (dests.length < 2) return null;
  const p = dests.map((d) => d.weight);
  let q = [p[p.length - 1]!, ...p.slice(0, -1)];
  if (q.every((x, i) => x === p[i])) {
    q = [...p];
    q[0] = q[0]! - 1;
    q[1] = q[1]! + 1;
  }
  if (q.reduce((a, b) => a + b, 0) !== 100) return null;
  return Object.fromEntries(dests.map((d, i) => [d.version, q[i]!]));
}

function currentSplit(release: ServiceRelease): Record<string, number> {
  return Object.fromEntries((release.defaultRoute?.destinations ?? []).map((d) => [d.version, d.weight]));
}

const WEIGHT_LINE = /weight/;

function checkFile(file: string): void {
  const text = readFileSync(file, 'utf8');
  const docs = load(text);
  const releases = readReleases(docs.map((d) => d.object));
  for (const release of releases) {
    if (!release.editable) {
      expect(release.readOnlyReasons.length).toBeGreaterThan(0);
      expect(() =>
        setSplit(
          release,
          Object.entries(currentSplit(release)).map(([version, weight]) => ({ version, weight })),
        ),
      ).toThrow(ReleaseEditError);
      continue;
    }
    if (!release.defaultRoute || release.defaultRoute.destinations.length === 0) continue;
    const same = splitText(text, docs, release, currentSplit(release));
    expect(same.plan.steps).toEqual([]);
    expect(same.out).toBe(text);

    const other = otherSplit(release);
    if (!other) continue;
    const changed = splitText(text, docs, release, other);
    expect(changed.out).not.toBe(text);
    const afterDocs = load(changed.out);
    for (const [index, obj] of changed.expected) {
      const after = afterDocs.find((d) => d.index === index)!.object;
      expect(after).toEqual(obj);
      const before = docs.find((d) => d.index === index)!.object;
      // Schema checks need the CRDs in ../shared/reference; without them the byte checks still run.
      if (sharedReference.present && validateAgainstCrd(before).valid) {
        expect(validateAgainstCrd(after).errors).toEqual([]);
      }
    }
    const a = text.split('\n');
    const b = changed.out.split('\n');
    const allExplicit = release.defaultRoute.destinations.every((d) => d.rawWeight !== undefined);
    if (allExplicit) {
      expect(b.length).toBe(a.length);
      const diff = a.map((line, i) => (line === b[i] ? null : line)).filter((l): l is string => l !== null);
      expect(diff.length).toBeGreaterThan(0);
      for (const line of diff) expect(line).toMatch(WEIGHT_LINE);
      // And back again: the original bytes (when the file wrote percentages, not proportions).
      if (release.defaultRoute.destinations.some((d) => d.rawWeight !== d.weight)) continue;
      const back = splitText(
        changed.out,
        afterDocs,
        readReleases(afterDocs.map((d) => d.object)).find((r) => r.id === release.id)!,
        currentSplit(release),
      );
      expect(back.out).toBe(text);
    } else {
      // Weights had to be added: every original line is still there, in order; new lines are weights.
      let j = 0;
      for (const line of b) {
        if (line === a[j]) j++;
        else expect(line).toMatch(WEIGHT_LINE);
      }
      expect(j).toBe(a.length);
    }
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml(\.golden)?$/.test(name) ? [p] : [];
  });
}

const fixturesDir = join(repoRoot, 'test', 'fixtures', 'routing');

describe('round trip on the project fixtures (test/fixtures/routing)', () => {
  const files = yamlFiles(fixturesDir);
  it('has at least 30 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });
  for (const file of files) {
    const name = file.slice(fixturesDir.length + 1);
    it(`${name}: a same split is byte for byte, another split changes only weight lines`, () => {
      checkFile(file);
    });
    const expectation = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    if (expectation.startsWith('read-only')) {
      const why = expectation.slice('read-only: '.length);
      it(`${name}: is refused with a reason mentioning "${why}"`, () => {
        const releases = readReleases(load(readFileSync(file, 'utf8')).map((d) => d.object));
        const reasons = releases.filter((r) => !r.editable).flatMap((r) => r.readOnlyReasons);
        expect(reasons.join(' | ')).toContain(why);
      });
    } else if (expectation === 'editable') {
      it(`${name}: reads at least one editable release`, () => {
        const releases = readReleases(load(readFileSync(file, 'utf8')).map((d) => d.object));
        expect(releases.some((r) => r.editable)).toBe(true);
      });
    }
  }
});

describe.skipIf(!sharedReference.present)(
  'round trip on the shared reference files (samples and wild)',
  () => {
    const files = sharedReference.present
      ? [...yamlFiles(sharedReference.path('samples')), ...yamlFiles(sharedReference.path('wild'))]
      : [];
    for (const file of files) {
      it(`${file.slice(sharedReference.dir.length + 1)} round-trips`, () => {
        checkFile(file);
      });
    }
  },
);
