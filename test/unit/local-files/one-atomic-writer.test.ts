// Every store in main/core writes through the one atomic-write helper (which cleans up after a
// failed write): no other module may rename or write files with node:fs directly.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/shared-reference.ts';

/** The helper itself, and the set-aside rename (a move, not a write). */
const ALLOWED = new Set(['main/core/local-files/atomic-file.ts', 'main/core/local-files/set-aside.ts']);
const FORBIDDEN = /\b(writeFile|writeFileSync|rename|renameSync|copyFile|copyFileSync)\b/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('file writes in main/core', () => {
  it('all go through writeFileAtomic', () => {
    const offenders: string[] = [];
    for (const file of sources(join(repoRoot, 'main', 'core'))) {
      const rel = relative(repoRoot, file).split('\\').join('/');
      if (ALLOWED.has(rel)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'node:fs(?:\/promises)?'/g))
        if (FORBIDDEN.test(m[1] ?? '')) offenders.push(`${rel}: ${m[1]?.trim()}`);
    }
    expect(offenders).toEqual([]);
  });
});
