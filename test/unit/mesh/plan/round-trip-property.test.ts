import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../../shared/mesh/model/index.ts';
import { normalizeTo100 } from '../../../../shared/mesh/model/index.ts';
import { applyPatchToYaml, planRelease, setSplit } from '../../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../../shared/mesh/read/index.ts';

/** A VirtualService file in one of several layouts, with comments, for the given weights. */
function render(
  weights: number[],
  style: { indentSeq: boolean; comments: boolean; extraRoute: boolean },
): string {
  const i = style.indentSeq ? '  ' : '';
  const c = (t: string) => (style.comments ? ` # ${t}` : '');
  const dests = weights
    .map(
      (w, k) =>
        `  ${i}  ${i}- destination:\n  ${i}  ${i}    host: svc${c('host')}\n  ${i}  ${i}    subset: v${k + 1}\n  ${i}  ${i}  weight: ${w}${c(`w${k}`)}\n`,
    )
    .join('');
  const extra = style.extraRoute
    ? `  ${i}- match:\n  ${i}  ${i}- headers:\n  ${i}  ${i}    x-a:\n  ${i}  ${i}      exact: "1"\n  ${i}  route:\n  ${i}  ${i}- destination:\n  ${i}  ${i}    host: svc\n  ${i}  ${i}    subset: v1\n`
    : '';
  return `${style.comments ? '# generated\n' : ''}apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: svc\nspec:\n  hosts:\n  ${i}- svc\n  http:\n${extra}  ${i}- route:\n${dests}`;
}

function objects(text: string): KubeObject[] {
  return (parseAllDocuments(text) as Array<{ toJS(): unknown }>).map((d) => d.toJS() as KubeObject);
}

function write(text: string, weights: number[]): string {
  const objs = objects(text);
  const release = readReleases(objs)[0]!;
  const plan = planRelease(
    release,
    setSplit(
      release,
      weights.map((weight, k) => ({ version: `v${k + 1}`, weight })),
    ),
    objs,
  );
  return plan.steps.reduce((t, s) => applyPatchToYaml(t, 0, s.patch), text);
}

const split = fc
  .array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 5 })
  .filter((a) => a.some((x) => x > 0))
  .map((a) => normalizeTo100(a));
const style = fc.record({ indentSeq: fc.boolean(), comments: fc.boolean(), extraRoute: fc.boolean() });

describe('round trip properties', () => {
  it('read → set the same split → write leaves the file identical', () => {
    fc.assert(
      fc.property(split, style, (w, s) => {
        const text = render(w, s);
        expect(write(text, w)).toBe(text);
      }),
      { numRuns: 80 },
    );
  });

  it('a new split changes exactly the weight lines, and setting the old split back restores every byte', () => {
    fc.assert(
      fc.property(split, style, fc.integer({ min: 1, max: 4 }), (w, s, shift) => {
        const text = render(w, s);
        const other = w.map((_, k) => w[(k + shift) % w.length]!);
        const changed = write(text, other);
        expect(changed).toBe(render(other, s));
        expect(write(changed, w)).toBe(text);
      }),
      { numRuns: 80 },
    );
  });
});
