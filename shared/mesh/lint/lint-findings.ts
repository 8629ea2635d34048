import type { RawFinding } from './lint-types.ts';

/** SY100 for a field that must be a list and is not (the object cannot be read further there). */
export function notAList(path: string, items: string): RawFinding[] {
  return [{ code: 'SY100', path, message: `${path} is not a list`, hint: `write ${items} as a list` }];
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  return typeof x === 'object' ? 'a mapping' : `a ${typeof x}`;
}

/**
 * SY100 for a field that must be a list of strings (hosts, gateways, hostnames) and is not, or has
 * an entry that is not: the API server refuses such an object, and no route of it can be read.
 */
export function notAStringList(value: unknown, path: string, items: string): RawFinding[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    return [
      {
        code: 'SY100',
        path,
        message: `${path} is ${kindOf(value)}, not a list`,
        hint: `write ${items} as a list of strings${typeof value === 'string' ? ` ([${value}])` : ''}`,
      },
    ];
  const out: RawFinding[] = [];
  value.forEach((v, i) => {
    if (typeof v !== 'string')
      out.push({
        code: 'SY100',
        path: `${path}[${i}]`,
        message: `is ${kindOf(v)}, not a string`,
        hint: `each of ${items} is one name`,
      });
  });
  return out;
}
