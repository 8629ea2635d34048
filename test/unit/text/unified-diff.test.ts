import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../shared/text/unified-diff.ts';

/** Applies a unified diff to `before` the way patch(1) does, strictly: every context line must match. */
function applyUnified(before: string, diff: string): string {
  const old = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  let newUnterminated = false;
  const lines = diff.replace(/\n$/, '').split('\n').slice(2);
  let last: string | undefined;
  for (const line of lines) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (header) {
      const start = Number(header[1]) - (header[2] === '0' ? 0 : 1);
      while (at < start) out.push(old[at++]!);
      continue;
    }
    if (line === '\\ No newline at end of file') {
      if (last === '+' || last === ' ') newUnterminated = true;
      continue;
    }
    last = line[0];
    const text = line.slice(1);
    if (line[0] === '+') {
      out.push(text);
    } else {
      expect(old[at]).toBe(text);
      at++;
      if (line[0] === ' ') out.push(text);
    }
  }
  const tailFromOld = at < old.length;
  while (at < old.length) out.push(old[at++]!);
  if (out.length === 0) return '';
  const endsWithNewline = tailFromOld ? before.endsWith('\n') : !newUnterminated;
  return `${out.join('\n')}${endsWithNewline ? '\n' : ''}`;
}

describe('unifiedDiff', () => {
  it('prints the changed weight lines with three lines of context under a/ and b/, hunk for hunk as diff -u does', () => {
    const before = [
      'a',
      'b',
      'c',
      'd',
      'weight: 100',
      'e',
      'f',
      'g',
      'h',
      'i',
      'j',
      'k',
      'weight: 0',
      'l',
      '',
    ].join('\n');
    const after = before.replace('weight: 100', 'weight: 90').replace('weight: 0', 'weight: 10');
    expect(unifiedDiff('clusters/eu-1/vs.yaml', before, after)).toBe(
      [
        '--- a/clusters/eu-1/vs.yaml',
        '+++ b/clusters/eu-1/vs.yaml',
        '@@ -2,7 +2,7 @@',
        ' b',
        ' c',
        ' d',
        '-weight: 100',
        '+weight: 90',
        ' e',
        ' f',
        ' g',
        '@@ -10,5 +10,5 @@',
        ' i',
        ' j',
        ' k',
        '-weight: 0',
        '+weight: 10',
        ' l',
        '',
      ].join('\n'),
    );
  });

  it('keeps changes at most six unchanged lines apart in one hunk, and splits farther ones', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const before = `${lines.join('\n')}\n`;
    const after = before.replace('line 3\n', 'line three\n').replace('line 25\n', 'line twenty-five\n');
    const diff = unifiedDiff('f.yaml', before, after);
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual([
      '@@ -1,6 +1,6 @@',
      '@@ -22,7 +22,7 @@',
    ]);
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('f.yaml', 'a\nb\n', 'a\nb\n')).toBe('');
  });

  it('is accepted by patch(1), which turns the old file into the new one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-udiff-'));
    const before = 'spec:\n  http:\n    - route:\n        - weight: 100\n        - weight: 0\n';
    const after = before.replace('weight: 100', 'weight: 50').replace('weight: 0', 'weight: 50');
    writeFileSync(join(dir, 'vs.yaml'), before);
    writeFileSync(join(dir, 'change.diff'), unifiedDiff('vs.yaml', before, after));
    try {
      execFileSync('patch', ['-p1', '--quiet', '-i', 'change.diff'], { cwd: dir });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no patch(1) on this machine
      throw err;
    }
    expect(readFileSync(join(dir, 'vs.yaml'), 'utf8')).toBe(after);
  });

  it('property: applying the diff to the old text gives the new text', () => {
    const text = fc
      .tuple(
        fc.array(fc.constantFrom('a', 'b', 'c', 'weight: 1', 'weight: 2', ''), { maxLength: 25 }),
        fc.boolean(),
      )
      .map(([ls, nl]) => (ls.length === 0 ? '' : `${ls.join('\n')}${nl ? '\n' : ''}`));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff('f', before, after);
        if (before === after) expect(diff).toBe('');
        else expect(applyUnified(before, diff)).toBe(after);
      }),
      { numRuns: 500 },
    );
  });
});
