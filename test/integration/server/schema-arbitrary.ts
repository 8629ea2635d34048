// fast-check arbitraries for the contract's request schemas, read from their JSON Schema (zod's
// own export), so every call and every field of the contract is covered without a list to keep up.
// Strings a field is known by (contextId, releaseId, version…) are drawn from `pools` half the
// time, so generated calls reach the handlers' real work and not only their "not found".

import fc from 'fast-check';
import { z } from 'zod';
import { type CallName, calls } from '../../../shared/api/contract.ts';

type JsonSchema = {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

export type Pools = Record<string, readonly string[]>;

function stringArb(schema: JsonSchema, field: string, pools: Pools): fc.Arbitrary<string> {
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  if (schema.format === 'uri') return fc.webUrl();
  const free = fc.string({
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 24, 24),
  });
  const pool = pools[field];
  return pool && pool.length > 0 ? fc.oneof(fc.constantFrom(...pool), free) : free;
}

export function arbitraryOf(schema: JsonSchema, pools: Pools, field = ''): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => arbitraryOf(s, pools, field)));
  switch (schema.type) {
    case 'string':
      return stringArb(schema, field, pools);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(
        schema.items ? arbitraryOf(schema.items, pools, field) : fc.jsonValue({ maxDepth: 1 }),
        {
          minLength: schema.minItems ?? 0,
          maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
        },
      );
    case 'object': {
      const props = schema.properties ?? {};
      const shape = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, arbitraryOf(s, pools, k)]));
      return fc.record(shape, { requiredKeys: schema.required ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The request schema of `name` as JSON Schema (refinements aside: they are checked by the server). */
export function requestSchema(name: CallName): JsonSchema {
  return z.toJSONSchema(calls[name].request, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}
