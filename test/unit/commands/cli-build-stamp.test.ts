import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIsCurrent, STAMP_FILE, stampFromMetafile } from '../../../bin/cli-build-stamp.mjs';
import { cliBuildOptions } from '../../../scripts/cli-bundle.mjs';

// bin/switchyard.mjs runs out/cli only when its build stamp says every source the command loads is
// older than the build; otherwise the sources (a stale bundle is never run).

const root = resolve(import.meta.dirname, '../../..');

describe('the build stamp of out/cli, from the real metafile', () => {
  let outdir: string;
  let meta: Metafile;
  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'sy-cli-stamp-'));
    meta = (await build({ ...cliBuildOptions(root, outdir), metafile: true, write: false }))
      .metafile as Metafile;
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("lists each command's own sources, static and lazy, and no package", () => {
    const stamp = stampFromMetafile(meta, 1);
    expect(stamp.entry).toContain('main/cli.ts');
    expect(stamp.entry).not.toContain('main/commands/split-command.ts');
    expect(stamp.commands.split).toContain('main/commands/split-command.ts');
    expect(stamp.commands.split).toContain('main/commands/release-file-edit.ts');
    expect(stamp.commands.split).toContain('shared/mesh/plan/yaml-edit.ts');
    expect(stamp.commands.split).not.toContain('main/core/app-core.ts');
    expect(stamp.commands.web).toContain('main/core/app-core.ts');
    expect(stamp.commands.web).toContain('main/demo/embedded-demo.ts');
    expect(Object.keys(stamp.commands).sort()).toEqual(
      ['cutover', 'demo', 'lint', 'match', 'preview', 'route', 'split', 'web'].sort(),
    );
    const all = [...stamp.entry, ...Object.values(stamp.commands).flat()];
    expect(all.filter((f) => f.includes('node_modules'))).toEqual([]);
    // The web command renders the first screen with the renderer's own code, whose lazy screens
    // the build leaves out: every source listed is a file (one that is not would read as stale).
    expect(stamp.commands.web).toContain('renderer/src/ssr/first-screen-html.tsx');
    expect(all.filter((f) => !existsSync(join(root, f)))).toEqual([]);
  });
});

describe('bundleIsCurrent', () => {
  let dir: string;
  let out: string;
  const builtAtMs = Date.parse('2026-01-01T00:00:00Z');
  const at = (file: string, iso: string) => utimesSync(join(dir, file), new Date(iso), new Date(iso));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-cli-current-'));
    out = join(dir, 'out/cli');
    mkdirSync(join(dir, 'main/commands'), { recursive: true });
    mkdirSync(out, { recursive: true });
    for (const f of ['main/cli.ts', 'main/commands/split-command.ts', 'main/commands/web-command.ts'])
      writeFileSync(join(dir, f), '');
    writeFileSync(join(out, 'cli.js'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function stamp() {
    writeFileSync(
      join(out, STAMP_FILE),
      JSON.stringify({
        builtAtMs,
        entry: ['main/cli.ts'],
        commands: { split: ['main/commands/split-command.ts'], web: ['main/commands/web-command.ts'] },
      }),
    );
  }
  function allOlder() {
    for (const f of ['main/cli.ts', 'main/commands/split-command.ts', 'main/commands/web-command.ts'])
      at(f, '2025-12-31T00:00:00Z');
  }

  it('is current when every source of the command is older than the build', () => {
    stamp();
    allOlder();
    expect(bundleIsCurrent(dir, out, 'split')).toBe(true);
    expect(bundleIsCurrent(dir, out, undefined)).toBe(true);
    expect(bundleIsCurrent(dir, out, 'no-such-command')).toBe(true);
  });

  it("is stale for a command whose source changed after the build, not for another command's", () => {
    stamp();
    allOlder();
    at('main/commands/web-command.ts', '2026-01-02T00:00:00Z');
    expect(bundleIsCurrent(dir, out, 'web')).toBe(false);
    expect(bundleIsCurrent(dir, out, 'split')).toBe(true);
  });

  it("is stale for every command when the entry's source changed", () => {
    stamp();
    allOlder();
    at('main/cli.ts', '2026-01-02T00:00:00Z');
    expect(bundleIsCurrent(dir, out, 'split')).toBe(false);
    expect(bundleIsCurrent(dir, out, undefined)).toBe(false);
  });

  it('is stale when a listed source is gone, the stamp is missing or unreadable, or cli.js is missing', () => {
    allOlder();
    writeFileSync(
      join(out, STAMP_FILE),
      JSON.stringify({ builtAtMs, entry: ['main/cli.ts'], commands: { split: ['main/commands/gone.ts'] } }),
    );
    expect(bundleIsCurrent(dir, out, 'split')).toBe(false);
    rmSync(join(out, STAMP_FILE));
    expect(bundleIsCurrent(dir, out, 'split')).toBe(false);
    writeFileSync(join(out, STAMP_FILE), '{ not json');
    expect(bundleIsCurrent(dir, out, 'split')).toBe(false);
    stamp();
    rmSync(join(out, 'cli.js'));
    expect(bundleIsCurrent(dir, out, 'split')).toBe(false);
    writeFileSync(join(out, 'cli.js'), '');
  });

  it("checks without loading node:fs's streams (an ES import of node:fs did, before web's server listened)", () => {
    stamp();
    allOlder();
    const module = pathToFileURL(join(root, 'bin/cli-build-stamp.mjs')).href;
    const code = `const { bundleIsCurrent } = await import(${JSON.stringify(module)});
      const current = bundleIsCurrent(${JSON.stringify(dir)}, ${JSON.stringify(out)}, 'split');
      console.log(JSON.stringify({ current, streams: process.moduleLoadList.includes('NativeModule internal/fs/streams') }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ current: true, streams: false });
  });
});
