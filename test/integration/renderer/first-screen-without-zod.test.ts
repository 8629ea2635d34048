import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstScriptsOf } from '../../bench/lib/first-scripts.ts';

// Issue 13: evaluating zod and the contract's schemas cost ~70 ms of JS before the first paint,
// more than React and the app. The first screen checks frames by hand and loads the event
// schemas after it painted (renderer/src/api/event-gate.ts). This builds the renderer with source
// maps and reads which sources went into the scripts index.html has the browser run first.

const root = resolve(import.meta.dirname, '../../..');
const outDir = mkdtempSync(join(tmpdir(), 'sy-first-screen-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/**
 * Sources (paths relative to the repository root) of a built chunk, from its source map. A chunk with
 * none holds no module of ours (rolldown's runtime); it is read for zod's own names instead.
 */
function sourcesOf(url: string): string[] {
  if (!existsSync(join(outDir, `${url}.map`))) {
    const text = readFileSync(join(outDir, url), 'utf8');
    return /\$Zod|jitless/.test(text) ? [`node_modules/zod/ (named in ${url})`] : [];
  }
  const map = JSON.parse(readFileSync(join(outDir, `${url}.map`), 'utf8')) as { sources: string[] };
  const chunkDir = join(outDir, url, '..');
  // relative(): node_modules may be a link to another checkout, whose paths then start with '../'.
  return map.sources.map((s) => relative(root, resolve(chunkDir, s)));
}

// zod itself, the alias that configures it, and every module that builds schemas when imported.
const ZOD_OR_SCHEMAS =
  /(^|\/)node_modules\/zod\/|^renderer\/zod-alias\.ts$|^shared\/api\/(.*-schemas|contract|ws-protocol|errors|k8s-names)\.ts$/;

let first: string[] = [];
beforeAll(async () => {
  await build({
    configFile: join(root, 'renderer/vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, sourcemap: true },
  });
  first = firstScriptsOf(readFileSync(join(outDir, 'index.html'), 'utf8'));
}, 60_000);

describe("the renderer's first screen", () => {
  it('runs no zod and builds no schema: its scripts hold neither', () => {
    expect(first.length).toBeGreaterThan(0);
    const found = first.flatMap((url) =>
      sourcesOf(url)
        .filter((s) => ZOD_OR_SCHEMAS.test(s))
        .map((s) => `${url}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('still has the transport and the event gate; zod and the contract come in a later chunk', () => {
    const firstSources = first.flatMap(sourcesOf);
    expect(firstSources).toContain('renderer/src/api/server-frame.ts');
    expect(firstSources).toContain('renderer/src/api/event-gate.ts');
    // So that the test above reads real sources: the lazy chunks do hold them.
    const later = readdirSync(join(outDir, 'assets'))
      .filter((name) => name.endsWith('.js') && !first.includes(`./assets/${name}`))
      .flatMap((name) => sourcesOf(`./assets/${name}`));
    expect(later).toContain('shared/api/contract.ts');
    expect(later).toContain('renderer/zod-alias.ts');
    expect(later.some((s) => /(^|\/)node_modules\/zod\//.test(s))).toBe(true);
  });
});
