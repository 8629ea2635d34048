// The contract's schemas are built at their first use, not when their module loads (issue 13):
// building the ~1,000 zod schemas of the contract was most of the top level of the web core
// (~20 ms, and 2-3 times that while the page's script competes for the CPU), before the server
// could answer the page's first four calls, which need only a few of them. A lazy schema is the
// very schema its builder returns, reached through a Proxy: every property, method and check is
// the built schema's, so what it accepts and the issues it reports are the same.

/** What lazySchemaState says of a value: a lazy schema not built yet, built, or no lazy schema. */
export type LazySchemaState = 'unbuilt' | 'built' | undefined;

const builtOf = new WeakMap<object, () => boolean>();

/**
 * `build()`'s schema, built when first touched (a property read, a parse, an `instanceof`, being
 * composed into another schema that is itself built). Typed as the schema itself.
 */
/* @__NO_SIDE_EFFECTS__ */
export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined;
  const real = (): T => {
    schema ??= build();
    return schema;
  };
  const proxy = new Proxy(Object.create(null) as T, {
    // On every parse of a composite schema (once per item of an array): kept to one property read.
    get: (_, key) => (schema ?? real())[key as keyof T],
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    ownKeys: () => Reflect.ownKeys(real()),
    // Reported configurable: the Proxy's own (empty) target cannot vouch for a fixed property.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  builtOf.set(proxy, () => schema !== undefined);
  return proxy;
}

/** Whether `value` is a lazy schema and if so whether it was built (tests of the laziness). */
export function lazySchemaState(value: unknown): LazySchemaState {
  if (typeof value !== 'object' || value === null) return undefined;
  const isBuilt = builtOf.get(value);
  if (!isBuilt) return undefined;
  return isBuilt() ? 'built' : 'unbuilt';
}
