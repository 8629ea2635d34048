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
  /** The text was no such list and was parsed whole (its array, if any, is in `items` all the same). */
  whole?: true;
}

/** Where a list's items array is, once `scanItems` has walked the whole text. */
interface ItemsSpan {
  from: number;
  to: number;
}

/**
 * Walks `text` (a JSON object with an array under `key`, `items` in a list) and yields each item's
 * JSON text in order; returns the span of the array, or undefined when the text is not such a list.
 */
function* scanItems(text: string, key: string): Generator<string, ItemsSpan | undefined> {
  let depth = 0;
  let lastKey: string | undefined;
  let itemsFrom = -1;
  let itemsTo = -1;
  let inItems = false;
  let elementFrom = -1;
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
      if (depth === 1 && c === OPEN_BRACKET && lastKey === key && itemsFrom < 0) {
        itemsFrom = i;
        inItems = true;
        elementFrom = i + 1;
      }
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (inItems && depth === 1) {
        const part = text.slice(elementFrom, i);
        if (part.trim() !== '') yield part;
        itemsTo = i + 1;
        inItems = false;
      }
    } else if (c === COMMA && inItems && depth === 2) {
      yield text.slice(elementFrom, i);
      elementFrom = i + 1;
    }
    i++;
  }
  if (itemsFrom < 0 || itemsTo < 0 || depth !== 0) return undefined;
  return { from: itemsFrom, to: itemsTo };
}

/** The list's envelope once its items are read, or null when the text is no list after all. */
function envelopeOf(text: string, span: ItemsSpan | undefined, key: string): Record<string, unknown> | null {
  if (!span) return null;
  const envelope: unknown = JSON.parse(`${text.slice(0, span.from)}[]${text.slice(span.to)}`);
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return null;
  const { [key]: _none, ...rest } = envelope as Record<string, unknown>;
  return rest;
}

/**
 * Parses `text` (a JSON object with an `items` array, as every list answers) item by item, keeping
 * `keep(item)` of each. Text that is not such a list is parsed whole, with the same result.
 * Throws a SyntaxError on text that is not JSON, as JSON.parse does.
 */
export function parseListItems<T>(text: string, keep: (item: unknown) => T): ParsedList<T> {
  const items: T[] = [];
  const scan = scanItems(text, 'items');
  let step = scan.next();
  while (!step.done) {
    items.push(keep(JSON.parse(step.value)));
    step = scan.next();
  }
  const envelope = envelopeOf(text, step.value, 'items');
  return envelope ? { envelope, items } : parsedWhole(text, keep, 'items');
}

/**
 * The same as `parseListItems`, but it gives the event loop a turn (`yieldNow`) whenever it has
 * worked for `budgetMs`: a 1,000-item page of Pods is ~3 MB and ~50 ms of parsing on a busy
 * machine, which must not hold the main process in one piece.
 */
export async function parseListItemsSliced<T>(
  text: string,
  keep: (item: unknown) => T,
  yieldNow: () => Promise<void>,
  budgetMs = 8,
  /** The array's key: `items` in a list. */
  key = 'items',
): Promise<ParsedList<T>> {
  const items: T[] = [];
  const scan = scanItems(text, key);
  let sliceStart = performance.now();
  let step = scan.next();
  while (!step.done) {
    items.push(keep(JSON.parse(step.value)));
    if (performance.now() - sliceStart >= budgetMs) {
      await yieldNow();
      sliceStart = performance.now();
    }
    step = scan.next();
  }
  const envelope = envelopeOf(text, step.value, key);
  return envelope ? { envelope, items } : parsedWhole(text, keep, key);
}

function parsedWhole<T>(text: string, keep: (item: unknown) => T, key: string): ParsedList<T> {
  const whole: unknown = JSON.parse(text);
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole))
    return { envelope: {}, items: [], whole: true };
  const { [key]: items, ...envelope } = whole as Record<string, unknown>;
  return { envelope, items: Array.isArray(items) ? items.map(keep) : [], whole: true };
}
