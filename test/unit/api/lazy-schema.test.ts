import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema, lazySchemaState } from '../../../shared/api/lazy-schema.ts';

const eagerItem = () => z.object({ id: z.string().min(1), weight: z.number().int().max(100) }).strict();

const inputs: unknown[] = [
  { id: 'a', weight: 10 },
  { id: '', weight: 10 },
  { id: 'a', weight: 101 },
  { id: 'a', weight: 1.5, extra: true },
  { id: 'a' },
  'not an object',
  null,
];

describe('lazySchema', () => {
  it('is built at its first use, once', () => {
    let builds = 0;
    const item = lazySchema(() => {
      builds++;
      return eagerItem();
    });
    expect(lazySchemaState(item)).toBe('unbuilt');
    expect(builds).toBe(0);
    item.safeParse({});
    item.safeParse({});
    expect(lazySchemaState(item)).toBe('built');
    expect(builds).toBe(1);
    expect(lazySchemaState(eagerItem())).toBeUndefined();
  });

  it('accepts, refuses and reports exactly as the schema it builds', () => {
    const eager = eagerItem();
    const lazy = lazySchema(eagerItem);
    for (const input of inputs)
      expect(lazy.safeParse(input), JSON.stringify(input)).toEqual(eager.safeParse(input));
  });

  it('composes as the schema it builds: nested, derived, and as a zod type', () => {
    const lazy = lazySchema(eagerItem);
    const list = z.object({ items: z.array(lazy), first: lazy.optional() });
    const eagerList = z.object({ items: z.array(eagerItem()), first: eagerItem().optional() });
    for (const input of inputs) {
      const payload = { items: [input], first: input };
      expect(list.safeParse(payload)).toEqual(eagerList.safeParse(payload));
    }
    const wider = lazy.extend({ note: z.string() });
    expect(wider.safeParse({ id: 'a', weight: 1, note: 'n' }).success).toBe(true);
    expect(wider.safeParse({ id: 'a', weight: 1 }).success).toBe(false);
    expect(lazy).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(lazy.shape)).toEqual(['id', 'weight']);
  });

  it('builds a lazy schema inside another only when that one is used', () => {
    const inner = lazySchema(eagerItem);
    const outer = lazySchema(() => z.object({ item: inner }));
    expect(lazySchemaState(inner)).toBe('unbuilt');
    expect(outer.safeParse({ item: { id: 'a', weight: 1 } }).success).toBe(true);
    expect(lazySchemaState(inner)).toBe('built');
  });
});
