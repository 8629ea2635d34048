import { describe, expect, it } from 'vitest';
import { desiredFromInput } from '../../../main/core/services/desired-release-input.ts';
import { re2Engine } from '../../../main/lib/re2-engine.ts';
import type { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { cluster, dest, release } from '../../helpers/reviews-routes.ts';

// The console's input (release.plan, release.preview, drafts) builds a release's rules itself: a
// rule that starts sending requests somewhere needs a target that can take them, as the edits of
// shared/mesh/plan require. The DestinationRule defines v1 and v2; the catch-all already sends 10%
// to v3, which it lacks.

const engine = re2Engine();
const JASON = { headers: { 'end-user': { exact: 'jason' } } };
const r = release(
  cluster(
    [{ name: 'jason', match: [JASON], route: [dest('v1')] }, { route: [dest('v1', 90), dest('v3', 10)] }],
    ['v1', 'v2'],
  ),
);
const split = [
  { version: 'v1', weight: 90 },
  { version: 'v3', weight: 10 },
];
const input = (rules: DesiredReleaseInput['rules']): DesiredReleaseInput => ({ split, rules });
const jason = r.rules[0]!;
const header = [[{ kind: 'header' as const, name: 'x-canary', op: 'exact' as const, value: 'yes' }]];

describe('rules from the console input', () => {
  it('refuses retargeting a rule to a subset the DestinationRule lacks', () => {
    expect(() =>
      desiredFromInput(r, input([{ id: jason.id, version: 'v3', enabled: true }]), engine),
    ).toThrow(
      "rule 1: version 'v3' is not a subset of DestinationRule default/reviews (no subset 'v3'): requests sent to it fail (503); add the subset first",
    );
  });

  it('refuses a new rule to it', () => {
    expect(() =>
      desiredFromInput(
        r,
        input([
          { id: jason.id, version: 'v1', enabled: true },
          { name: 'canary', version: 'v3', enabled: true, conditions: header },
        ]),
        engine,
      ),
    ).toThrow(/rule 2 \(canary\): version 'v3' is not a subset/);
  });

  it('keeps what already routes there, and takes rules to defined subsets', () => {
    expect(() =>
      desiredFromInput(r, input([{ id: jason.id, version: 'v1', enabled: true }]), engine),
    ).not.toThrow();
    const d = desiredFromInput(
      r,
      input([
        { id: jason.id, version: 'v2', enabled: true },
        { name: 'canary', version: 'v2', enabled: true, conditions: header },
      ]),
      engine,
    );
    expect(d.rules.map((x) => x.version)).toEqual(['v2', 'v2']);
  });
});
