// YAML that Switchyard shows or writes has no anchors or aliases: a part a value holds twice (one
// object reached by two paths) is written out in full at both places, as the object reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAlias, isNode, parse, parseDocument, stringify, visit } from 'yaml';
import { objectYaml } from '../../../main/core/views/plan-views.ts';
import { ruleViews } from '../../../main/core/views/release-views.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyPatchToYaml } from '../../../shared/mesh/plan/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { yamlText } from '../../../shared/text/yaml-text.ts';
import { cluster, dest } from '../../helpers/reviews-routes.ts';

/** Whether the YAML text holds an anchor (`&a1`) or an alias (`*a1`). */
function hasAnchors(text: string): boolean {
  let found = false;
  visit(parseDocument(text), (_key, node) => {
    if (isAlias(node) || (isNode(node) && node.anchor)) found = true;
  });
  return found;
}

const repeatedPartArb = fc
  .dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 })
  // JSON's own copy: YAML keeps -0, JSON writes it 0.
  .map((generated) => JSON.parse(JSON.stringify(generated)) as Record<string, unknown>)
  .map((part) => ({ first: part, again: [part, { nested: part }] }));

describe('yamlText', () => {
  it('writes a part held twice out in full, and reads back as the value', () => {
    fc.assert(
      fc.property(repeatedPartArb, (value) => {
        const text = yamlText(value);
        expect(hasAnchors(text)).toBe(false);
        expect(parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('is needed: the yaml package alone writes such a part once, with an alias', () => {
    const labels = { app: 'reviews', version: 'v1' };
    expect(hasAnchors(stringify({ labels, matchLabels: labels }))).toBe(true);
    expect(yamlText({ labels, matchLabels: labels })).toBe(
      'labels:\n  app: reviews\n  version: v1\nmatchLabels:\n  app: reviews\n  version: v1\n',
    );
  });
});

describe('YAML the console shows and writes', () => {
  const labels = { app: 'reviews', version: 'v2' };
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reviews-v2', namespace: 'shop', labels },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
  };

  it('a plan step’s object in the review', () => {
    const text = objectYaml(deployment);
    expect(hasAnchors(text)).toBe(false);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(deployment)));
  });

  it('a content rule’s match, whose alternatives share a condition', () => {
    const beta = { exact: 'beta' };
    const match = [
      { headers: { 'x-user': beta, 'user-agent': { regex: '.*Android.*' } } },
      { headers: { 'x-user': beta, 'user-agent': { regex: '.*iPhone.*' } } },
    ];
    const objects = cluster([{ name: 'beta', match, route: [dest('v2')] }, { route: [dest('v1')] }]);
    const [release] = readReleases(objects);
    if (!release) throw new Error('no release read');
    const [rule] = ruleViews(release);
    expect(hasAnchors(rule?.matchYaml ?? '')).toBe(false);
    expect(parse(rule?.matchYaml ?? '')).toEqual(JSON.parse(JSON.stringify(match)));
  });

  it('a value a file edit adds to an operator’s YAML file', () => {
    const file = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v2\nspec: {}\n';
    const text = applyPatchToYaml(file, 0, [
      { op: 'add', path: '/spec/selector', value: { matchLabels: labels } },
      { op: 'add', path: '/spec/template', value: { metadata: { labels }, again: { labels } } },
    ]);
    expect(hasAnchors(text)).toBe(false);
    expect(parse(text).spec).toEqual({
      selector: { matchLabels: labels },
      template: { metadata: { labels }, again: { labels } },
    });
  });
});
