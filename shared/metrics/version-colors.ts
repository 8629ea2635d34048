/**
 * Colours of versions that hold for the whole history on screen: a version keeps its colour while
 * others appear or disappear. Each version prefers the palette slot its name hashes to (so the
 * same version starts with the same colour in every window and after a reload); a book remembers
 * who holds which slot, so a newcomer never takes a slot still held, and nobody moves.
 */

/**
 * Distinct on light and dark backgrounds, and apart for the common kinds of colour blindness; each
 * at least 4.5:1 under white text (the split bar's labels) and 3:1 on the dark theme's panel.
 */
export const VERSION_PALETTE = [
  '#2f6fde',
  '#b75908',
  '#1e843b',
  '#9f3df4',
  '#d93025',
  '#0d7f8f',
  '#9b6a00',
  '#5f6368',
] as const;

/** Version name → palette slot. */
export type ColorBook = Readonly<Record<string, number>>;

export const EMPTY_COLOR_BOOK: ColorBook = Object.freeze({});

/** FNV-1a over the name's UTF-16 code units: stable across runs and platforms. */
export function preferredSlot(version: string, size: number = VERSION_PALETTE.length): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < version.length; i++) {
    h ^= version.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % size;
}

function freeSlotFrom(start: number, taken: ReadonlySet<number>, size: number): number | undefined {
  for (let k = 0; k < size; k++) {
    const slot = (start + k) % size;
    if (!taken.has(slot)) return slot;
  }
  return undefined;
}

/**
 * The book after `present` (the versions of the release and of the history on screen, in the
 * order the operator knows them) has been seen. Versions already in the book keep their slot.
 * A newcomer takes its preferred slot, or the next free one; only when every slot is held are the
 * versions no longer present let go. With more versions present than colours, newcomers share
 * their preferred slot. Answers the same book (same object) when nothing changed.
 */
export function assignVersionColors(
  book: ColorBook,
  present: readonly string[],
  size: number = VERSION_PALETTE.length,
): ColorBook {
  const newcomers = [...new Set(present)].filter((v) => !Object.hasOwn(book, v));
  if (newcomers.length === 0) return book;
  const next: Record<string, number> = { ...book };
  const presentSet = new Set(present);
  for (const version of newcomers) {
    const preferred = preferredSlot(version, size);
    let slot = freeSlotFrom(preferred, new Set(Object.values(next)), size);
    if (slot === undefined) {
      for (const held of Object.keys(next)) if (!presentSet.has(held)) delete next[held];
      slot = freeSlotFrom(preferred, new Set(Object.values(next)), size) ?? preferred;
    }
    next[version] = slot;
  }
  return next;
}

/** The colour of a version in the book; one not in it gets its preferred colour. */
export function colorOf(book: ColorBook, version: string): string {
  const slot = book[version] ?? preferredSlot(version);
  return VERSION_PALETTE[slot % VERSION_PALETTE.length] as string;
}
