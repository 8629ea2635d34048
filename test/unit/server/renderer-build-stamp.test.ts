import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rendererStaleness } from '../../../main/server/renderer-build.ts';
import { stampSources } from '../../../scripts/renderer-build-stamp.ts';

// Browser mode renders the first screen from the sources it runs; the page hydrates it with the
// renderer build's scripts. The build's stamp says which sources it was made from, and when.

describe("the renderer build's stamp", () => {
  it('lists the repository files a build bundled: no virtual module, query, dependency or outside file', () => {
    const root = '/repo';
    expect(
      stampSources(
        [
          '/repo/renderer/src/main.tsx',
          '/repo/shared/api/contract.ts',
          '/repo/renderer/src/main.tsx',
          '\0vite/modulepreload-polyfill.js',
          '/repo/renderer/src/worker.ts?worker',
          '/repo/node_modules/react/index.js',
          '/elsewhere/file.ts',
          '/repo/renderer/index.html',
        ],
        root,
      ),
    ).toEqual(['renderer/index.html', 'renderer/src/main.tsx', 'shared/api/contract.ts']);
  });
});

describe('whether a renderer build is its sources', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A repository with renderer/src/app.tsx saved at `savedAtMs`, and an empty build dir. */
  function repo(savedAtMs: number) {
    const root = mkdtempSync(join(tmpdir(), 'sy-renderer-stamp-'));
    dirs.push(root);
    mkdirSync(join(root, 'renderer', 'src'), { recursive: true });
    const source = join(root, 'renderer', 'src', 'app.tsx');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, savedAtMs / 1000, savedAtMs / 1000);
    const build = join(root, 'out', 'renderer');
    mkdirSync(build, { recursive: true });
    const stamp = (value: unknown) => writeFileSync(join(build, 'build-stamp.json'), JSON.stringify(value));
    return { root, build, stamp };
  }

  it('is when no source it was built from changed since', () => {
    const { root, build, stamp } = repo(1_000_000);
    stamp({ builtAtMs: 2_000_000, sources: ['renderer/src/app.tsx'] });
    expect(rendererStaleness(build, root)).toBeUndefined();
  });

  it('is not when a source changed after the build started, or is gone, and says which', () => {
    const { root, build, stamp } = repo(3_000_000);
    stamp({ builtAtMs: 2_000_000, sources: ['renderer/src/app.tsx'] });
    expect(rendererStaleness(build, root)).toBe(`renderer/src/app.tsx changed since ${build} was built`);
    stamp({ builtAtMs: 4_000_000, sources: ['renderer/src/app.tsx', 'renderer/src/gone.tsx'] });
    expect(rendererStaleness(build, root)).toBe(`renderer/src/gone.tsx is gone since ${build} was built`);
  });

  it('is not without a stamp, or with one that is none', () => {
    const { root, build, stamp } = repo(1_000_000);
    expect(rendererStaleness(build, root)).toMatch(/has no build stamp/);
    stamp({ builtAtMs: 'yesterday', sources: [] });
    expect(rendererStaleness(build, root)).toMatch(/is not a build stamp/);
    stamp({ builtAtMs: 2_000_000, sources: [42] });
    expect(rendererStaleness(build, root)).toMatch(/is not a build stamp/);
  });

  it('is, where there are no sources at all (an installed package): the build is all there is', () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-renderer-package-'));
    dirs.push(root);
    expect(rendererStaleness(join(root, 'renderer'), root)).toBeUndefined();
  });
});
