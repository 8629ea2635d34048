import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../../scripts/cli-bundle.mjs';

// The file commands start in well under 100 ms because they load only what they need: the bundle
// of `switchyard` (as `npm run build` makes it) is walked from each command's chunk through every
// import it makes, static or lazy, and must reach neither the app core, the demo mesh, the server,
// nor the cluster client libraries — and no package from node_modules (yaml is inside the bundle;
// re2-wasm is required by the RE2 engine at the first pattern it checks). `web` finds zod and ws
// inside the bundle too: loaded from node_modules they held its first screen up.

const root = resolve(import.meta.dirname, '../../..');
let outdir: string;
let meta: Metafile;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'sy-cli-bundle-'));
  const result = await build({ ...cliBuildOptions(root, outdir), metafile: true, write: false });
  meta = result.metafile as Metafile;
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Every source file and external package a command's chunk can load. */
function reach(command: string, follow: (kind: string) => boolean = () => true) {
  const entry = Object.entries(meta.outputs).find(([, o]) =>
    Object.keys(o.inputs).includes(`main/commands/${command}-command.ts`),
  );
  if (!entry) throw new Error(`no chunk holds main/commands/${command}-command.ts`);
  const inputs = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const walk = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const out = meta.outputs[path];
    if (!out) return;
    for (const i of Object.keys(out.inputs)) inputs.add(i);
    for (const imp of out.imports) {
      if (!follow(imp.kind)) continue;
      if (imp.external) externals.add(imp.path);
      else walk(imp.path);
    }
  };
  walk(entry[0]);
  const builtin = (p: string) => p.startsWith('node:') || builtinModules.includes(p);
  return { inputs: [...inputs], packages: [...externals].filter((p) => !builtin(p)) };
}

describe('the switchyard file commands load only what they need', () => {
  const heavy =
    /^main\/(core\/(app-core|console|cluster|apply|drafts|history|metrics|snapshots)|demo|server|electron)\//;

  it.each(['split', 'cutover'])('%s: the YAML edit, nothing from node_modules', (command) => {
    const { inputs, packages } = reach(command);
    expect(inputs.filter((i) => heavy.test(i))).toEqual([]);
    expect(packages).toEqual([]);
    expect(inputs.some((i) => /(^|\/)node_modules\/yaml\//.test(i))).toBe(true);
  });

  it.each(['route', 'match', 'lint', 'preview'])('%s: the routing core and RE2, nothing else', (command) => {
    const { inputs, packages } = reach(command);
    expect(inputs.filter((i) => heavy.test(i))).toEqual([]);
    // re2-wasm itself is required by the engine at its first pattern (re2-engine-lazy.test.ts).
    expect(inputs).toContain('main/lib/re2-engine.ts');
    expect(packages).toEqual([]);
  });

  it('while `web` reaches the app core (so the walk does see lazy imports)', () => {
    const { inputs } = reach('web');
    expect(inputs).toContain('main/core/app-core.ts');
  });

  it('`web` listens before it loads the contract, zod, ws or the app core (they load once the page has its script)', () => {
    const { inputs, packages } = reach('web', (kind) => kind !== 'dynamic-import');
    expect(inputs).toContain('main/server/web-server.ts');
    expect(inputs.filter((i) => /^shared\/api\/|^main\/core\/(app-core|api-dispatch)\.ts$/.test(i))).toEqual(
      [],
    );
    expect(packages).toEqual([]);
    expect(inputs.filter((i) => /(^|\/)node_modules\/(zod|ws)\//.test(i))).toEqual([]);
    const lazy = reach('web');
    expect(lazy.inputs).toContain('main/server/socket-layer.ts');
  });

  it('`web` finds zod and ws inside the bundle, not through the loader in node_modules (one chunk each, not ~100 modules)', () => {
    const { inputs, packages } = reach('web');
    expect(inputs.some((i) => /(^|\/)node_modules\/zod\//.test(i))).toBe(true);
    expect(inputs.some((i) => /(^|\/)node_modules\/ws\//.test(i))).toBe(true);
    expect(packages.filter((p) => /^(zod|ws)(\/|$)/.test(p))).toEqual([]);
  });
});
