// A file's change as `diff -u` and `git diff` print it, so `switchyard split --dry-run` output can be
// read by eye, piped to a pager with diff colours, or applied with `patch -p1`/`git apply`.

import { type DiffLine, diffLines } from './line-diff.ts';

interface Hunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

/** Groups a line diff into hunks keeping `context` unchanged lines around each change. */
function hunksOf(lines: readonly DiffLine[], context: number): Hunk[] {
  const changed = lines.map((l) => l.kind !== 'same');
  const keep = lines.map((_, i) => {
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++)
      if (changed[k]) return true;
    return false;
  });
  const hunks: Hunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let current: Hunk | undefined;
  lines.forEach((l, i) => {
    if (keep[i]) {
      current ??= { oldStart: oldLine, newStart: newLine, lines: [] };
      current.lines.push(l);
    } else if (current) {
      hunks.push(current);
      current = undefined;
    }
    if (l.kind !== 'added') oldLine++;
    if (l.kind !== 'removed') newLine++;
  });
  if (current) hunks.push(current);
  return hunks;
}

/** `start,count` of a hunk side; an empty side starts one line before (as diff prints it). */
function range(start: number, count: number): string {
  const from = count === 0 ? start - 1 : start;
  return count === 1 ? `${from}` : `${from},${count}`;
}

const UNTERMINATED = '\u0000';

/**
 * The unified diff of `before` → `after` under `a/<file>` and `b/<file>`, with three lines of
 * context; empty when the texts are equal. A missing final newline is marked as diff marks it.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  // A last line without its newline differs from the same text with one: marked, it never pairs.
  const mark = (t: string) => (t === '' || t.endsWith('\n') ? t : `${t}${UNTERMINATED}`);
  const lines = diffLines(mark(before), mark(after));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (const h of hunksOf(lines, context)) {
    const olds = h.lines.filter((l) => l.kind !== 'added').length;
    const news = h.lines.filter((l) => l.kind !== 'removed').length;
    out.push(`@@ -${range(h.oldStart, olds)} +${range(h.newStart, news)} @@`);
    for (const l of h.lines) {
      const sign = l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-';
      if (!l.text.endsWith(UNTERMINATED)) out.push(`${sign}${l.text}`);
      else out.push(`${sign}${l.text.slice(0, -1)}`, '\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}
