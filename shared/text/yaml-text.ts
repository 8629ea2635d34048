import { stringify } from 'yaml';

// YAML as an operator reads it, diffs it and gives it to kubectl. The yaml package writes a part
// that a value holds twice (one object reached by two paths) once, with an anchor, and then as an
// alias: `labels: &a1 {…}` … `matchLabels: *a1`. That is valid YAML but not what the object looks
// like: a review would show a change that is not one, and a file edited by Switchyard would get
// anchors it never had. Every object is written out in full, wherever it repeats.

/** Options for every YAML Switchyard writes: no folded lines, no anchors or aliases. */
export const YAML_TEXT_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** `value` as YAML text, each repeated part written out in full. */
export function yamlText(value: unknown): string {
  return stringify(value, YAML_TEXT_OPTIONS);
}
