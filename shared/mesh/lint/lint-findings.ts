import type { RawFinding } from './lint-types.ts';

/** SY100 for a field that must be a list and is not (the object cannot be read further there). */
export function notAList(path: string, items: string): RawFinding[] {
  return [{ code: 'SY100', path, message: `${path} is not a list`, hint: `write ${items} as a list` }];
}
