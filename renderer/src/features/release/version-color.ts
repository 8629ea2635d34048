import { assignVersionColors, colorOf, EMPTY_COLOR_BOOK } from '../../../../shared/metrics/version-colors.ts';

/** Colours for a fixed list of versions (a draft's), chosen as the service view chooses them. */
export function versionColor(versions: readonly string[]) {
  const book = assignVersionColors(EMPTY_COLOR_BOOK, versions);
  return (version: string) => colorOf(book, version);
}
