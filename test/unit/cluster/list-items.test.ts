import { describe, expect, it } from 'vitest';
import { parseListItems } from '../../../main/core/cluster/list-items.ts';

const identity = (x: unknown) => x;

describe('parseListItems', () => {
  it('gives the same envelope and items as JSON.parse, item by item', () => {
    const list = {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '12', continue: 'abc' },
      items: [
        {
          metadata: {
            name: 'a',
            annotations: { quote: 'say "items": [1, 2]', slash: 'C:\\', brace: '}{][,' },
          },
        },
        { metadata: { name: 'b' }, spec: { items: [{ key: 'items' }], list: [[1, 2], { x: [] }] } },
        { metadata: { name: 'ünïcødé \u2028 \\"' } },
      ],
    };
    for (const text of [JSON.stringify(list), JSON.stringify(list, null, 2)]) {
      const seen: unknown[] = [];
      const parsed = parseListItems(text, (o) => {
        seen.push(o);
        return o;
      });
      const { items, ...envelope } = list;
      expect(parsed).toEqual({ envelope, items });
      expect(seen).toHaveLength(3);
    }
  });

  it('keeps only what `keep` returns of each item', () => {
    const text = JSON.stringify({ items: [{ n: 1, big: 'x'.repeat(100) }, { n: 2 }] });
    expect(parseListItems(text, (o) => (o as { n: number }).n).items).toEqual([1, 2]);
  });

  it('handles an empty list, a list with the items first and a list without items', () => {
    expect(parseListItems('{"kind":"PodList","items":[]}', identity)).toEqual({
      envelope: { kind: 'PodList' },
      items: [],
    });
    expect(parseListItems('{"items":[{"a":1}],"metadata":{"resourceVersion":"3"}}', identity)).toEqual({
      envelope: { metadata: { resourceVersion: '3' } },
      items: [{ a: 1 }],
    });
    expect(parseListItems('{"kind":"PodList","items":null}', identity)).toEqual({
      envelope: { kind: 'PodList' },
      items: [],
      whole: true,
    });
    expect(parseListItems('{"kind":"Status","metadata":{"items":[1]}}', identity)).toEqual({
      envelope: { kind: 'Status', metadata: { items: [1] } },
      whole: true,
      items: [],
    });
  });

  it('throws a SyntaxError on text that is not JSON, as JSON.parse does', () => {
    expect(() => parseListItems('{"items":[{"a":1},{"b":', identity)).toThrow(SyntaxError);
    expect(() => parseListItems('{"items":[{"a":1}', identity)).toThrow(SyntaxError);
    expect(() => parseListItems('<html>', identity)).toThrow(SyntaxError);
  });
});
