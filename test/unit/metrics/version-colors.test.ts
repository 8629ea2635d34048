import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignVersionColors,
  type ColorBook,
  colorOf,
  EMPTY_COLOR_BOOK,
  preferredSlot,
  VERSION_PALETTE,
} from '../../../shared/metrics/version-colors.ts';

const versionName = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

describe('version colours', () => {
  it('keeps every version its colour while others appear and disappear', () => {
    // Each step is the set of versions on screen; up to the palette size at once.
    const steps = fc.array(fc.uniqueArray(versionName, { maxLength: VERSION_PALETTE.length }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(steps, (history) => {
        let book: ColorBook = EMPTY_COLOR_BOOK;
        const seen = new Map<string, string>();
        for (const present of history) {
          const before = book;
          book = assignVersionColors(book, present);
          // A version is only ever let go while absent, and only when all colours were held.
          for (const gone of Object.keys(before).filter((v) => !Object.hasOwn(book, v))) {
            expect(present).not.toContain(gone);
            expect(new Set([...Object.keys(before), ...present]).size).toBeGreaterThan(
              VERSION_PALETTE.length,
            );
            seen.delete(gone);
          }
          for (const v of Object.keys(book)) {
            const c = colorOf(book, v);
            const earlier = seen.get(v);
            if (earlier !== undefined) expect(c).toBe(earlier);
            seen.set(v, c);
          }
          // Versions on screen together never share a colour.
          expect(new Set(present.map((v) => colorOf(book, v))).size).toBe(present.length);
        }
      }),
    );
  });

  it('does not move v1 and v2 when v3 appears and v1 then leaves (the issue)', () => {
    const start = assignVersionColors(EMPTY_COLOR_BOOK, ['v1', 'v2']);
    const withV3 = assignVersionColors(start, ['v1', 'v2', 'v3']);
    const withoutV1 = assignVersionColors(withV3, ['v2', 'v3']);
    expect(colorOf(withV3, 'v1')).toBe(colorOf(start, 'v1'));
    expect(colorOf(withoutV1, 'v2')).toBe(colorOf(start, 'v2'));
    expect(colorOf(withoutV1, 'v3')).toBe(colorOf(withV3, 'v3'));
    // v3 did not take v1's colour while v1 could still be in the charts' history.
    expect(colorOf(withV3, 'v3')).not.toBe(colorOf(withV3, 'v1'));
  });

  it('gives a version the same colour in every window and after a reload', () => {
    fc.assert(
      fc.property(fc.uniqueArray(versionName, { maxLength: 6 }), (versions) => {
        const a = assignVersionColors(EMPTY_COLOR_BOOK, versions);
        const b = assignVersionColors(EMPTY_COLOR_BOOK, versions);
        expect(a).toEqual(b);
      }),
    );
    expect(preferredSlot('v1')).toBe(preferredSlot('v1'));
  });

  it('answers the same book when nothing is new, so React keeps its memo', () => {
    const book = assignVersionColors(EMPTY_COLOR_BOOK, ['v1', 'v2']);
    expect(assignVersionColors(book, ['v2', 'v1'])).toBe(book);
  });

  it('lets go of versions no longer present only when every colour is held', () => {
    const eight = Array.from({ length: VERSION_PALETTE.length }, (_, i) => `old-${i}`);
    const full = assignVersionColors(EMPTY_COLOR_BOOK, eight);
    const next = assignVersionColors(full, ['old-0', 'new']);
    expect(colorOf(next, 'old-0')).toBe(colorOf(full, 'old-0'));
    expect(colorOf(next, 'new')).not.toBe(colorOf(next, 'old-0'));
    expect(Object.keys(next).sort()).toEqual(['new', 'old-0']);
  });
});
