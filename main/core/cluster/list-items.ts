// A Kubernetes list response parsed one item at a time. V8 parses a JSON text of 100 KB or more
// straight into the old generation, so one JSON.parse of a 1,000-item page leaves megabytes of
// full objects there even when only a slim copy of each is kept: the heap grows by ~100 MB during
// a big cold start and never gives the pages back. Parsing each item on its own keeps its garbage
// young (collected by the next scavenge); only what `keep` returns survives.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The index just past the string starting at `start` (a quote), or -1 when it never ends. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

export interface ParsedList<T> {
  /** The list without its items (kind, apiVersion, metadata with resourceVersion and continue). */
  envelope: Record<string, unknown>;
  items: T[];
}

/**
 * Parses `text` (a JSON object with an `items` array, as every list answers) item by item, keeping
 * `keep(item)` of each. Text that is not such a list is parsed whole, with the same result.
 * Throws a SyntaxError on text that is not JSON, as JSON.parse does.
 */
export function parseListItems<T>(text: string, keep: (item: unknown) => T): ParsedList<T> {
  const items: T[] = [];
  let depth = 0;
  let lastKey: string | undefined;
  let itemsFrom = -1;
  let itemsTo = -1;
  let inItems = false;
  let elementFrom = -1;
  const flush = (to: number) => {
    const part = text.slice(elementFrom, to);
    if (part.trim() !== '') items.push(keep(JSON.parse(part)));
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      // At depth 1 the last string before a `[` is the key of that array.
      if (depth === 1) lastKey = text.slice(i + 1, end - 1);
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth === 1 && c === OPEN_BRACKET && lastKey === 'items' && itemsFrom < 0) {
        itemsFrom = i;
        inItems = true;
        elementFrom = i + 1;
      }
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (inItems && depth === 1) {
        flush(i);
        itemsTo = i + 1;
        inItems = false;
      }
    } else if (c === COMMA && inItems && depth === 2) {
      flush(i);
      elementFrom = i + 1;
    }
    i++;
  }
  if (itemsFrom < 0 || itemsTo < 0 || depth !== 0) return parsedWhole(text, keep);
  const envelope: unknown = JSON.parse(`${text.slice(0, itemsFrom)}[]${text.slice(itemsTo)}`);
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope))
    return parsedWhole(text, keep);
  const { items: _none, ...rest } = envelope as Record<string, unknown>;
  return { envelope: rest, items };
}

function parsedWhole<T>(text: string, keep: (item: unknown) => T): ParsedList<T> {
  const whole: unknown = JSON.parse(text);
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) return { envelope: {}, items: [] };
  const { items, ...envelope } = whole as Record<string, unknown>;
  return { envelope, items: Array.isArray(items) ? items.map(keep) : [] };
}
