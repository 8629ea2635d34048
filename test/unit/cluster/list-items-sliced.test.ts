import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseListItems, parseListItemsSliced } from '../../../main/core/cluster/list-items.ts';

const identity = (x: unknown) => x;

describe('parseListItemsSliced', () => {
  it('gives the same envelope and items as the one-piece parse, whatever the list', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.dictionary(
          fc.string().filter((k) => k !== 'items'),
          fc.jsonValue(),
          { maxKeys: 3 },
        ),
        fc.boolean(),
        async (items, envelope, pretty) => {
          const list = { ...envelope, items };
          const text = pretty ? JSON.stringify(list, null, 2) : JSON.stringify(list);
          let turns = 0;
          // A budget of 0 ms: a turn of the event loop after every item.
          const sliced = await parseListItemsSliced(text, identity, async () => void turns++, 0);
          expect(sliced).toEqual(parseListItems(text, identity));
          expect(turns).toBe(items.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('yields to the event loop between items once its budget is used', async () => {
    const text = JSON.stringify({ kind: 'PodList', items: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    const log: string[] = [];
    const parsed = await parseListItemsSliced(
      text,
      (o) => {
        log.push(`item ${(o as { n: number }).n}`);
        return o;
      },
      async () => void log.push('turn'),
      0,
    );
    expect(log).toEqual(['item 1', 'turn', 'item 2', 'turn', 'item 3', 'turn']);
    expect(parsed.envelope).toEqual({ kind: 'PodList' });
  });

  it('rejects text that is not JSON, as JSON.parse throws', async () => {
    await expect(parseListItemsSliced('{"items":[{"a":1},{"b":', identity, async () => {})).rejects.toThrow(
      SyntaxError,
    );
  });
});
