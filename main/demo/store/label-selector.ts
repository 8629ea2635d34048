import { statusErrors } from './kube-status-error.ts';
import type { KubeObject } from './object-store.ts';

export type Requirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; value: string };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside a `(…)` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const keyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!keyPattern.test(key)) {
    throw statusErrors.badRequest(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  }
  return key;
}

export function parseRequirement(text: string): Requirement {
  const set = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: checkKey(set[1] ?? '', text), op: set[2] as 'in' | 'notin', values };
  }
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim(), text), op: '!exists' };
  const cmp = /^([^=!\s]+)\s*(==|!=|=)\s*(.*)$/.exec(text);
  if (cmp) {
    const op = cmp[2] === '!=' ? '!=' : '=';
    return { key: checkKey(cmp[1] ?? '', text), op, value: (cmp[3] ?? '').trim() };
  }
  if (/\s/.test(text) || /[()]/.test(text)) {
    throw statusErrors.badRequest(
      `unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, or end of string`,
    );
  }
  return { key: checkKey(text, text), op: 'exists' };
}

export function parseLabelSelector(text: string | null | undefined): Selector | undefined {
  if (!text) return undefined;
  const reqs = splitTopLevel(text).map(parseRequirement);
  return (labels) => reqs.every((r) => matches(r, labels?.[r.key]));
}

function matches(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
    case '=':
      return value === r.value;
    case '!=':
      return value !== r.value;
  }
}

function fieldValue(obj: KubeObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return undefined;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

const allowedFields = new Set([
  'metadata.name',
  'metadata.namespace',
  'status.phase',
  'spec.nodeName',
  'status.podIP',
]);

/** Field selectors as the API server takes them: `=`, `==`, `!=` on a few well-known fields. */
export function parseFieldSelector(
  text: string | null | undefined,
): ((obj: KubeObject) => boolean) | undefined {
  if (!text) return undefined;
  const tests = splitTopLevel(text).map((part) => {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m)
      throw statusErrors.badRequest(
        `invalid field selector: '${part}': expected field=value or field!=value`,
      );
    const field = (m[1] ?? '').trim();
    if (!allowedFields.has(field)) {
      throw statusErrors.badRequest(`field label not supported: ${field}`);
    }
    const want = (m[3] ?? '').trim();
    const negate = m[2] === '!=';
    return (obj: KubeObject) => (fieldValue(obj, field) === want) !== negate;
  });
  return (obj) => tests.every((t) => t(obj));
}
