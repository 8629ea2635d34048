// Guards for turning YAML into values. Aliases can make a small file expand into a huge value
// ("billion laughs"): the `yaml` package counts alias expansions (maxAliasCount) and throws a bare
// ReferenceError, which is turned here into an error that says what is wrong with the file; js-yaml
// shares aliased nodes instead of copying them, so its result is measured by walking it.

import type { Document } from 'yaml';

/** More alias expansions than any hand-written manifest needs, far fewer than an attack makes. */
export const MAX_YAML_ALIAS_COUNT = 1000;

/** Nodes a value may have once every alias is expanded (a kubeconfig with 1000 contexts has ~30k). */
export const MAX_YAML_EXPANDED_NODES = 1_000_000;

/** The file's YAML cannot become a value: its aliases expand too far, or one names no anchor. */
export class YamlValueError extends Error {
  override name = 'YamlValueError';
}

/** The document's value, with alias expansion capped; alias problems become a YamlValueError. */
export function yamlDocumentValue(doc: Document.Parsed | Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    if (/excessive alias count/i.test(err.message))
      throw new YamlValueError(
        `its aliases expand too far (over ${MAX_YAML_ALIAS_COUNT} expansions); refused as a possible "billion laughs" file`,
      );
    throw new YamlValueError(err.message.split('\n')[0] ?? err.message);
  }
}

/**
 * Whether `value` has at most `max` nodes counted as if every shared (aliased) node were copied,
 * walked without recursion and given up as soon as it passes `max` (a cycle always does).
 */
export function expandedSizeWithin(value: unknown, max = MAX_YAML_EXPANDED_NODES): boolean {
  let nodes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (++nodes > max) return false;
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) for (const item of v) stack.push(item);
    else for (const item of Object.values(v)) stack.push(item);
  }
  return true;
}
