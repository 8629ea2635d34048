// Applies JSON Patch operations to YAML text by splicing only the bytes that change: every other
// line (comments, key order, quoting, blank lines, odd indentation) stays byte for byte. The yaml
// Document API supplies node ranges; after each splice the text is parsed again and must equal what
// applyJsonPatch gives on the parsed value, so an edit is either exact or refused, never mangled.

import type { Document, Node, Pair, ParsedNode, Scalar } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, stringify } from 'yaml';
import { YAML_TEXT_OPTIONS } from '../../text/yaml-text.ts';
import type { JsonPatchOp } from '../model/index.ts';
import { applyJsonPatch, deepEqual, isPlainObject, JsonPatchError, parsePointer } from '../model/index.ts';
import { yamlDocumentValue } from './yaml-values.ts';

export class YamlEditError extends Error {
  override name = 'YamlEditError';
  constructor(
    message: string,
    /** 0-based document index in the file. */
    readonly documentIndex: number,
    readonly path: string,
  ) {
    super(message);
  }
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

type Parsed = Document.Parsed;
type AnyNode = ParsedNode | Node;

function parse(text: string): Parsed[] {
  const docs = parseAllDocuments(text);
  return Array.isArray(docs) ? docs : [];
}

function toJS(doc: Parsed): unknown {
  return yamlDocumentValue(doc);
}

/**
 * Applies the operations in order to document `documentIndex` (0-based) and returns the new text.
 * `parsed`: the documents of `text` as parseAllDocuments gave them to the caller, which then need
 * no parse of their own (they are only read here).
 */
export function applyPatchToYaml(
  text: string,
  documentIndex: number,
  ops: readonly JsonPatchOp[],
  parsed?: readonly Parsed[],
): string {
  let current: Edited = { text, docs: parsed };
  for (const op of ops) current = applyOne(current, documentIndex, op);
  return current.text;
}

/**
 * A text and, when one was made, its parse: the check of an edit parses the new text, and the next
 * operation starts from that parse instead of parsing the same text again (nothing here changes a
 * parsed document).
 */
interface Edited {
  text: string;
  docs: readonly Parsed[] | undefined;
}

function applyOne({ text, docs: parsed }: Edited, di: number, op: JsonPatchOp): Edited {
  const docs = parsed ?? parse(text);
  const doc = docs[di];
  if (!doc) throw new YamlEditError(`document #${di + 1} does not exist`, di, op.path);
  if (doc.errors.length > 0) {
    throw new YamlEditError(
      `document #${di + 1} has YAML errors: ${doc.errors[0]?.message.split('\n')[0]}`,
      di,
      op.path,
    );
  }
  const before = toJS(doc);
  const expected = applyJsonPatch(before, [op]);
  if (op.op === 'test') return { text, docs };
  const e = new Editor(text, doc, di);
  let splice: Splice;
  switch (op.op) {
    case 'replace':
      splice = e.replace(op.path, op.value);
      break;
    case 'add':
      splice = e.add(op.path, op.value);
      break;
    case 'remove':
      splice = e.remove(op.path);
      break;
    default:
      throw new YamlEditError(`'${op.op}' is not supported on YAML files`, di, op.path);
  }
  // New lines end as the file's do: a file with CRLF endings (a Windows checkout) stays CRLF.
  const inserted = usesCrlf(text) ? splice.text.replace(/\r?\n/g, '\r\n') : splice.text;
  const next = text.slice(0, splice.start) + inserted + text.slice(splice.end);
  return { text: next, docs: verify(next, docs, di, expected, op.path) };
}

/** Whether every line break of `text` is CRLF (and there is one). */
function usesCrlf(text: string): boolean {
  const first = text.indexOf('\n');
  return first > 0 && text[first - 1] === '\r' && !/(^|[^\r])\n/.test(text);
}

/** The parse of `next`, once it is checked to be `expected` at `di` and the rest unchanged. */
function verify(
  next: string,
  beforeDocs: readonly Parsed[],
  di: number,
  expected: unknown,
  path: string,
): Parsed[] {
  const after = parse(next);
  const ok =
    after.length === beforeDocs.length &&
    after.every((d, i) => d.errors.length === 0 || i !== di) &&
    after.every((d, i) => deepEqual(toJS(d), i === di ? expected : toJS(beforeDocs[i]!)));
  if (!ok) {
    throw new YamlEditError(
      `cannot change ${path} in document #${di + 1} without rewriting other lines; edit it by hand`,
      di,
      path,
    );
  }
  return after;
}

const PLAIN_OPTS = { ...YAML_TEXT_OPTIONS, minContentWidth: 0 } as const;

/** A scalar in the style of the one it replaces (quotes kept), or YAML's own choice. */
export function scalarText(value: unknown, style?: Scalar.Type | null): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (style === 'QUOTE_DOUBLE' || value.includes('\n')) return JSON.stringify(value);
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value, PLAIN_OPTS).trimEnd();
  return plain.includes('\n') ? JSON.stringify(value) : plain;
}

function flowText(value: unknown): string {
  return isPlainObject(value) || Array.isArray(value) ? JSON.stringify(value) : scalarText(value);
}

function isEmptyCollection(value: unknown): boolean {
  return (
    (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

/**
 * Whether the document indents block lists under their key (`key:\n  - a`) or not (`key:\n- a`),
 * by majority, so new lines look like their neighbours.
 */
export function detectIndentSeq(text: string): boolean {
  const lines = text.split('\n');
  let indented = 0;
  let flush = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^((?: *- )* *)[^\s#-][^#]*:\s*$/.exec(lines[i]!);
    const dash = key ? /^( *)- /.exec(lines[i + 1]!) : null;
    if (!key || !dash) continue;
    if (dash[1]!.length > key[1]!.length) indented++;
    else if (dash[1]!.length === key[1]!.length) flush++;
  }
  return indented >= flush;
}

function blockLines(value: unknown, indent: number, indentSeq = true): string {
  const pad = ' '.repeat(indent);
  return stringify(value, { ...PLAIN_OPTS, indent: 2, indentSeq })
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

class Editor {
  readonly indentSeq: boolean;
  constructor(
    readonly text: string,
    readonly doc: Parsed,
    readonly di: number,
  ) {
    const [start, end] = doc.range;
    this.indentSeq = detectIndentSeq(text.slice(start, end));
  }

  fail(message: string, path: string): never {
    throw new YamlEditError(message, this.di, path);
  }

  resolve(path: string): { node: AnyNode | null; tokens: string[] } {
    const tokens = parsePointer(path);
    let node: AnyNode | null = (this.doc.contents as AnyNode | null) ?? null;
    for (const t of tokens) {
      if (node && isAlias(node)) this.fail(`${path} goes through a YAML alias; edit it by hand`, path);
      if (node && isMap(node)) {
        const pair: Pair | undefined = node.items.find((p: Pair) => keyOf(p) === t);
        node = (pair?.value as AnyNode | undefined) ?? null;
        if (!pair) this.fail(`${path} does not exist in the YAML`, path);
      } else if (node && isSeq(node)) {
        node = (node.items[Number(t)] as AnyNode | undefined) ?? null;
        if (!node) this.fail(`${path} does not exist in the YAML`, path);
      } else this.fail(`${path} does not exist in the YAML`, path);
    }
    if (node && isAlias(node)) this.fail(`${path} is a YAML alias; edit it by hand`, path);
    return { node, tokens };
  }

  range(n: AnyNode | null, path: string): [number, number, number] {
    const r = n?.range;
    if (!r) this.fail(`${path} has no position in the YAML`, path);
    return r;
  }

  lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  col(pos: number): number {
    return pos - this.lineStart(pos);
  }

  /** The start of the line after `pos` (or `pos` itself when it already starts a line). */
  nextLineStart(pos: number): number {
    if (pos > 0 && this.text[pos - 1] === '\n') return pos;
    const nl = this.text.indexOf('\n', pos);
    return nl === -1 ? this.text.length : nl + 1;
  }

  onlySpacesBefore(pos: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(pos), pos));
  }

  /** Moves a line start up over comment-only lines directly above it (they describe what follows). */
  aboveComments(lineStart: number, floor: number): number {
    let pos = lineStart;
    while (pos > floor) {
      const prev = this.lineStart(pos - 1);
      if (!this.text.slice(prev, pos).trim().startsWith('#')) break;
      pos = prev;
    }
    return pos;
  }

  dashBefore(pos: number, path: string): number {
    let i = pos - 1;
    while (i >= 0 && /[ \t\r\n]/.test(this.text[i]!)) i--;
    if (this.text[i] !== '-' || !this.onlySpacesBefore(i))
      this.fail(`cannot find the list item of ${path}`, path);
    return i;
  }

  replace(path: string, value: unknown): Splice {
    const { node } = this.resolve(path);
    const [start, end] = this.range(node, path);
    if (node && isScalar(node) && !isPlainObject(value) && !Array.isArray(value)) {
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      const nl = block && this.text[end - 1] === '\n' ? '\n' : '';
      return { start, end, text: scalarText(value, block ? 'QUOTE_DOUBLE' : node.type) + nl };
    }
    const sameKind = (isMap(node) && isPlainObject(value)) || (isSeq(node) && Array.isArray(value));
    if (sameKind && !isEmptyCollection(value) && !(node as { flow?: boolean }).flow) {
      const text = `${blockLines(value, this.col(start), this.indentSeq).trimStart()}\n`;
      return { start, end: this.nextLineStart(end), text };
    }
    const nl = this.text[end - 1] === '\n' ? '\n' : '';
    return { start, end, text: flowText(value) + nl };
  }

  add(path: string, value: unknown): Splice {
    const tokens = parsePointer(path);
    const key = tokens.pop();
    if (key === undefined) return this.replace(path, value);
    const parentPath = tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    const { node: parent } = this.resolve(parentPath);
    if (parent && isScalar(parent) && parent.value === null) {
      return this.replace(parentPath, key === '-' || /^\d+$/.test(key) ? [value] : { [key]: value });
    }
    if (parent && isMap(parent)) {
      if (parent.items.some((p) => keyOf(p) === key)) return this.replace(path, value);
      return this.addToMap(parent, key, value, path);
    }
    if (parent && isSeq(parent))
      return this.addToSeq(parent, key === '-' ? parent.items.length : Number(key), value, path);
    this.fail(`${parentPath || '/'} is not a mapping or a list`, path);
  }

  addToMap(
    map: { items: Pair[]; flow?: boolean; range?: [number, number, number] | null },
    key: string,
    value: unknown,
    path: string,
  ): Splice {
    const keyText = scalarText(key);
    const last = map.items[map.items.length - 1];
    if (map.flow || !last) {
      const [start] = this.range(map as AnyNode, path);
      if (!last) return { start: start + 1, end: start + 1, text: `${keyText}: ${flowText(value)}` };
      const end = this.range(((last.value ?? last.key) as AnyNode) ?? null, path)[1];
      return { start: end, end, text: `, ${keyText}: ${flowText(value)}` };
    }
    const indent = this.col(this.range(last.key as AnyNode, path)[0]);
    const pos = this.nextLineStart(this.range(((last.value ?? last.key) as AnyNode) ?? null, path)[1]);
    const lead = pos === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    const pad = ' '.repeat(indent);
    const body =
      (isPlainObject(value) || Array.isArray(value)) && !isEmptyCollection(value)
        ? `${pad}${keyText}:\n${blockLines(value, indent + (Array.isArray(value) && !this.indentSeq ? 0 : 2), this.indentSeq)}\n`
        : `${pad}${keyText}: ${flowText(value)}\n`;
    return { start: pos, end: pos, text: lead + body };
  }

  addToSeq(seq: { items: unknown[]; flow?: boolean }, index: number, value: unknown, path: string): Splice {
    const items = seq.items as AnyNode[];
    if (seq.flow || items.length === 0) {
      const [start] = this.range(seq as AnyNode, path);
      if (items.length === 0) return { start: start + 1, end: start + 1, text: flowText(value) };
      if (index < items.length) {
        const at = this.range(items[index]!, path)[0];
        return { start: at, end: at, text: `${flowText(value)}, ` };
      }
      const end = this.range(items[items.length - 1]!, path)[1];
      return { start: end, end, text: `, ${flowText(value)}` };
    }
    const firstDash = this.dashBefore(this.range(items[0]!, path)[0], path);
    const dashCol = this.col(firstDash);
    const rendered = `${blockLines([value], dashCol, this.indentSeq)}\n`;
    if (index < items.length) {
      const dash = this.dashBefore(this.range(items[index]!, path)[0], path);
      const floor = index > 0 ? this.nextLineStart(this.range(items[index - 1]!, path)[1]) : 0;
      const pos = this.aboveComments(this.lineStart(dash), floor);
      return { start: pos, end: pos, text: rendered };
    }
    const pos = this.nextLineStart(this.range(items[items.length - 1]!, path)[1]);
    const lead = pos === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    return { start: pos, end: pos, text: lead + rendered };
  }

  remove(path: string): Splice {
    const tokens = parsePointer(path);
    const key = tokens.pop();
    if (key === undefined) this.fail('cannot remove the whole document', path);
    const parentPath = tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    const { node: parent } = this.resolve(parentPath);
    if (parent && isMap(parent)) {
      const k = parent.items.findIndex((p) => keyOf(p) === key);
      if (k === -1) this.fail(`${path} does not exist in the YAML`, path);
      if (parent.items.length === 1) return this.replace(parentPath, {});
      const starts = parent.items.map((p) => this.range(p.key as AnyNode, path)[0]);
      const ends = parent.items.map((p) => this.range(((p.value ?? p.key) as AnyNode) ?? null, path)[1]);
      return this.removeEntry(Boolean(parent.flow), starts, ends, k);
    }
    if (parent && isSeq(parent)) {
      const i = Number(key);
      const items = parent.items as AnyNode[];
      if (!items[i]) this.fail(`${path} does not exist in the YAML`, path);
      if (items.length === 1) return this.replace(parentPath, []);
      const starts = items.map((n) =>
        parent.flow ? this.range(n, path)[0] : this.dashBefore(this.range(n, path)[0], path),
      );
      const ends = items.map((n) => this.range(n, path)[1]);
      return this.removeEntry(Boolean(parent.flow), starts, ends, i);
    }
    this.fail(`${parentPath || '/'} is not a mapping or a list`, path);
  }

  /** Cuts entry k of a collection whose entries start at `starts` and whose values end at `ends`. */
  removeEntry(flow: boolean, starts: number[], ends: number[], k: number): Splice {
    const n = starts.length;
    if (flow) {
      if (k < n - 1) return { start: starts[k]!, end: starts[k + 1]!, text: '' };
      return { start: ends[k - 1]!, end: ends[k]!, text: '' };
    }
    const ownLine = this.onlySpacesBefore(starts[k]!);
    const start = ownLine ? this.lineStart(starts[k]!) : starts[k]!;
    if (k < n - 1) {
      const next = starts[k + 1]!;
      const end = ownLine ? this.aboveComments(this.lineStart(next), start) : next;
      return { start, end, text: '' };
    }
    if (!ownLine) return { start: ends[k - 1]!, end: ends[k]!, text: '' };
    return { start, end: this.nextLineStart(ends[k]!), text: '' };
  }
}

function keyOf(pair: Pair): string | undefined {
  const k = pair.key as unknown;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' ? k : undefined;
}

export { JsonPatchError };
