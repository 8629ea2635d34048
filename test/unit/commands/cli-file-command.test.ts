import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  bundleRequire,
  currentFileCommand,
  type FileCommandStamp,
  loadFileCommand,
} from '../../../bin/cli-file-command.mjs';
import {
  FILE_COMMANDS,
  FILE_COMMANDS_DIR,
  fileCommandBuildOptions,
  fileCommandStamp,
  presetPatternsAcceptedByRe2,
} from '../../../scripts/cli-bundle.mjs';
import { BROWSER_PRESETS, OS_PRESETS, userAgentPatterns } from '../../../shared/mesh/policy/ua-presets.ts';
import { reviewsRoute } from '../../helpers/reviews-route.ts';

// A file command runs from its one-file bundle (out/cli/file-commands/<command>.cjs) compiled with a
// V8 code cache. The cache must be used when it was made from that very bundle, and never run
// another bundle's code; a missing, corrupt or foreign cache only means compiling the source.
// Built here from the real sources, as scripts/build-cli.mjs builds them.

const root = resolve(import.meta.dirname, '../../..');
let outdir: string;
let dir: string;
let work: string;
let meta: Metafile;
const stamps: Record<string, FileCommandStamp> = {};
let re2Accepted: string[];

const VS = reviewsRoute(100, 'the reviews route');
const EDITED = VS.replace('weight: 100 # stable', 'weight: 90 # stable').replace(
  'weight: 0\n',
  'weight: 10\n',
);

beforeAll(async () => {
  // In the repository (out/ is ignored), as re2-wasm is found in its node_modules.
  mkdirSync(join(root, 'out'), { recursive: true });
  outdir = mkdtempSync(join(root, 'out', 'test-cli-file-command-'));
  dir = join(outdir, FILE_COMMANDS_DIR);
  work = join(outdir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'vs.yaml'), VS);
  const builtAtMs = Date.now();
  re2Accepted = await presetPatternsAcceptedByRe2(root);
  meta = (await build({ ...fileCommandBuildOptions(root, outdir, re2Accepted), metafile: true }))
    .metafile as Metafile;
  for (const [output, m] of Object.entries(meta.outputs)) {
    const command = /([a-z-]+)\.cjs$/.exec(output)?.[1] as string;
    stamps[command] = fileCommandStamp(root, output, m, builtAtMs);
    writeFileSync(join(dir, `${command}.json`), JSON.stringify(stamps[command]));
  }
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const cacheFile = (command: string) => join(dir, `${command}.v8cache`);

function load(stamp: Pick<FileCommandStamp, 'hash' | 'size' | 'mtimeMs'>) {
  const loaded = loadFileCommand(dir, 'split', stamp);
  if (!loaded) throw new Error('split.cjs is not the bundle of its stamp');
  return loaded;
}

/**
 * `argv` through runFileCommand in a process of its own, as bin/switchyard.mjs runs it (99: not
 * run); with `tellRe2`, stderr says 'compiled re2-wasm' when the command compiles its WebAssembly.
 */
function run(argv: string[], tellRe2 = false, flags: string[] = []) {
  const code = `import { runFileCommand } from ${JSON.stringify(join(root, 'bin/cli-file-command.mjs'))};
process.exitCode = (await runFileCommand(${JSON.stringify(root)}, ${JSON.stringify(outdir)}, process.argv.slice(1))) ?? 99;`;
  const preload = join(outdir, 'tell-re2.cjs');
  writeFileSync(
    preload,
    `WebAssembly.Module = new Proxy(WebAssembly.Module, {
       construct(target, args) {
         if (args[0].byteLength > 100000) process.stderr.write('compiled re2-wasm\\n');
         return Reflect.construct(target, args);
       },
     });`,
  );
  const re2Flags = tellRe2 ? ['--require', preload] : [];
  return spawnSync(process.execPath, [...re2Flags, ...flags, '--input-type=module', '-e', code, ...argv], {
    cwd: work,
    encoding: 'utf8',
  });
}
const split = ['split', '-f', 'vs.yaml', '--host', 'reviews', '--set', 'v1=90,v2=10'];

describe('the one-file bundles of the file commands', () => {
  it("are one file each, with no dynamic import, loading only built-ins and re2-wasm's WebAssembly", () => {
    const outputs = Object.entries(meta.outputs);
    expect(outputs.map(([o]) => /([a-z-]+)\.cjs$/.exec(o)?.[1]).sort()).toEqual([...FILE_COMMANDS].sort());
    for (const [, out] of outputs) {
      expect(out.imports.filter((i) => i.kind === 'dynamic-import')).toEqual([]);
      const packages = out.imports
        .map((i) => i.path)
        .filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
      // re2-wasm's JavaScript is in the bundle (so in the code cache); its glue finds re2.wasm.
      expect(packages.filter((p) => p !== 're2-wasm/build/wasm/re2.wasm')).toEqual([]);
      expect(Object.keys(out.inputs).filter((i) => /^main\/(core\/app-core|server|demo)/.test(i))).toEqual(
        [],
      );
    }
  });

  it('require node:crypto only when it is called (not at start)', () => {
    const source = readFileSync(join(dir, 'split.cjs'), 'utf8');
    expect(source).toContain('randomBytes');
    expect(source).not.toMatch(/^var \w+ = require\("node:crypto"\)/m);
  });

  it("each stamp lists the command's sources and the bundle as written", () => {
    expect(stamps.split?.sources).toContain('main/commands/split-command.ts');
    expect(stamps.split?.sources).toContain('main/commands/run-command.ts');
    expect(stamps.split?.sources).toContain('shared/mesh/plan/yaml-edit.ts');
    expect(stamps.split?.sources.filter((s) => s.includes('node_modules') || s.includes(':'))).toEqual([]);
    expect(stamps.split?.size).toBe(statSync(join(dir, 'split.cjs')).size);
    expect(currentFileCommand(root, outdir, 'split')).toEqual(stamps.split);
  });
});

describe('the RE2 verdicts built into the bundles', () => {
  it('hold every pattern an OS or browser preset compiles to', () => {
    for (const os of [undefined, ...OS_PRESETS])
      for (const browser of [undefined, ...BROWSER_PRESETS])
        for (const p of userAgentPatterns(os, browser)) {
          expect(re2Accepted).toContain(p.match);
          if (p.exclude !== null) expect(re2Accepted).toContain(p.exclude);
        }
  });

  it('so `match` with presets prints what the sources print without loading re2-wasm; a regex of its own still goes to RE2', () => {
    const fromSources = (argv: string[]) =>
      spawnSync(process.execPath, [join(root, 'bin/switchyard.mjs'), ...argv], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, SWITCHYARD_FROM_SOURCE: '1' },
      });
    const presets = ['match', '--os', 'android', '--browser', 'chrome'];
    const bundled = run(presets, true);
    expect([bundled.status, bundled.stderr]).toEqual([0, '']);
    expect(bundled.stdout).toBe(fromSources(presets).stdout);
    expect(bundled.stdout).toContain('regex:');

    const own = ['match', '--os', 'ios', '--when', 'header:x-beta~(on|yes'];
    const rejected = run(own, true);
    const expected = fromSources(own);
    expect(rejected.status).toBe(expected.status);
    expect(rejected.status).not.toBe(0);
    expect(rejected.stderr).toBe(`compiled re2-wasm\n${expected.stderr}`);
  });

  /** `preview` of `file` from the bundle (telling whether it compiled re2-wasm) and from the sources. */
  function previewBothWays(file: string) {
    const fixtures = join(root, 'test/fixtures/preview');
    const argv = ['preview', '-f', file, '--host', 'reviews', '--requests', join(fixtures, 'requests.jsonl')];
    const bundled = run(argv, true);
    const fromSources = spawnSync(process.execPath, [join(root, 'bin/switchyard.mjs'), ...argv], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, SWITCHYARD_FROM_SOURCE: '1' },
    });
    expect(fromSources.status).toBe(0);
    return { bundled, fromSources };
  }

  it('`preview` runs RE2 from the bundled re2-wasm, as the sources do', () => {
    // A regex RE2 is needed for (a class and a repeat: not literal text, see literal-regex.ts).
    const reviews = readFileSync(join(root, 'test/fixtures/preview/reviews.yaml'), 'utf8');
    const file = join(work, 'reviews-re2.yaml');
    writeFileSync(file, reviews.replace('regex: ".*Android.*"', 'regex: ".*Android [0-9]+.*"'));
    const { bundled, fromSources } = previewBothWays(file);
    expect([bundled.status, bundled.stderr, bundled.stdout]).toEqual([
      0,
      'compiled re2-wasm\n',
      fromSources.stdout,
    ]);
    expect(fromSources.stdout).toMatch(/'android'\s+12 /);
    expect(
      Object.keys(
        meta.outputs[Object.keys(meta.outputs).find((o) => o.endsWith('/preview.cjs')) as string]?.inputs ??
          {},
      ).some((i) => i.endsWith('re2-wasm/build/wasm/re2.js')),
    ).toBe(true);
  });

  it('`preview` of a file whose regexes are literal text answers without compiling re2-wasm, as the sources do', () => {
    const { bundled, fromSources } = previewBothWays(join(root, 'test/fixtures/preview/reviews.yaml'));
    expect([bundled.status, bundled.stderr, bundled.stdout]).toEqual([0, '', fromSources.stdout]);
    expect(fromSources.stdout).toMatch(/'android'\s+12 /);
  });
});

describe('the require a bundle runs with', () => {
  it("gives built-ins as Node's require does, and anything else as a require for the bundle's file", () => {
    const file = join(dir, 'split.cjs');
    const mine = bundleRequire(file);
    const node = createRequire(file);
    for (const id of ['node:fs', 'fs', 'process', 'buffer', 'node:fs/promises', 'node:util'])
      expect(mine(id)).toBe(node(id));
    const wasm = 're2-wasm/build/wasm/re2.wasm';
    expect(mine.resolve(wasm)).toBe(node.resolve(wasm));
    expect(mine('re2-wasm')).toBe(node('re2-wasm'));
    let missing: unknown;
    try {
      mine('bufferutil-is-not-installed');
    } catch (err) {
      missing = err;
    }
    expect((missing as NodeJS.ErrnoException).code).toBe('MODULE_NOT_FOUND');
  });
});

describe('runFileCommand and its code cache', () => {
  beforeEach(() => {
    for (const command of FILE_COMMANDS) rmSync(cacheFile(command), { force: true });
  });

  it('writes a cache for its bundle after a first run, and V8 accepts it on the next', () => {
    const first = run(split);
    expect([first.status, first.stderr, first.stdout]).toEqual([0, '', EDITED]);
    const cache = readFileSync(cacheFile('split'));
    expect(cache.toString('latin1', 0, 64)).toBe(stamps.split?.hash);
    expect(load(stamps.split as FileCommandStamp).cacheAccepted).toBe(true);
    const second = run(split);
    expect([second.status, second.stderr, second.stdout]).toEqual([0, '', EDITED]);
    // Accepted: not written again.
    expect(readFileSync(cacheFile('split')).equals(cache)).toBe(true);
  });

  it('replaces a cache made by a run that failed after the first run that exits 0, and only then', () => {
    const header = () => readFileSync(cacheFile('split')).toString('latin1', 64, 72);
    expect(run(['split', '-f', 'vs.yaml', '--host', 'reviews', '--colour']).status).toBe(2);
    expect(header()).toBe('P       ');
    const partial = readFileSync(cacheFile('split'));
    expect(load(stamps.split as FileCommandStamp)).toMatchObject({
      cacheAccepted: true,
      cacheComplete: false,
    });
    expect(run(['split', '--host', 'reviews']).status).toBe(2);
    expect(readFileSync(cacheFile('split')).equals(partial)).toBe(true);
    expect(run(split).stdout).toBe(EDITED);
    expect(header()).toBe('C       ');
    const complete = readFileSync(cacheFile('split'));
    expect(load(stamps.split as FileCommandStamp)).toMatchObject({
      cacheAccepted: true,
      cacheComplete: true,
    });
    expect(run(['split', '--host', 'reviews']).status).toBe(2);
    expect(run(split).stdout).toBe(EDITED);
    expect(readFileSync(cacheFile('split')).equals(complete)).toBe(true);
  });

  it('keeps exit codes and messages of usage and input errors', () => {
    const usage = run(['split', '-f', 'vs.yaml', '--host', 'reviews', '--colour']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(
      /^switchyard split: .*--colour.*\nRun 'switchyard split --help' for usage\.\n$/,
    );
    const input = run(['split', '-f', 'gone.yaml', '--host', 'reviews', '--set', 'v1=100']);
    expect(input.status).toBe(1);
    expect(input.stderr).toMatch(/^switchyard split: /);
    const help = run(['split', '--help']);
    expect([help.status, help.stdout.startsWith('Usage: switchyard split -f PATH')]).toEqual([0, true]);
  });

  it('writes its output and errors to a pipe without making process.stdout or stderr (no node:net)', () => {
    const tellNet = join(outdir, 'tell-net.cjs');
    writeFileSync(
      tellNet,
      `process.on('exit', () => {
         if (process.moduleLoadList.includes('NativeModule net')) require('node:fs').writeSync(2, 'loaded net\\n');
       });`,
    );
    const flags = ['--require', tellNet];
    expect(run(split, false, flags)).toMatchObject({ status: 0, stdout: EDITED, stderr: '' });
    const usage = run(['split', '-f', 'vs.yaml', '--host', 'reviews', '--colour'], false, flags);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(
      /^switchyard split: .*--colour.*\nRun 'switchyard split --help' for usage\.\n$/,
    );
  });

  it('takes a cache only with the mtime it was written with, and never loads node:v8 for it', () => {
    const tellV8 = join(outdir, 'tell-v8.cjs');
    writeFileSync(
      tellV8,
      `process.on('exit', () => {
         if (process.moduleLoadList.includes('NativeModule v8')) require('node:fs').writeSync(2, 'loaded v8\\n');
       });`,
    );
    expect(run(split, false, ['--require', tellV8])).toMatchObject({ status: 0, stderr: '' });
    const good = readFileSync(cacheFile('split'));
    expect(statSync(cacheFile('split')).mtimeMs % 1000).toBe(0);
    expect(load(stamps.split as FileCommandStamp).cacheAccepted).toBe(true);
    expect(run(split, false, ['--require', tellV8])).toMatchObject({ status: 0, stderr: '', stdout: EDITED });
    // The same bytes, touched: not the file as written.
    const later = new Date(statSync(cacheFile('split')).mtimeMs + 1500);
    utimesSync(cacheFile('split'), later, later);
    expect(load(stamps.split as FileCommandStamp).cacheAccepted).toBe(false);
    expect(run(split)).toMatchObject({ status: 0, stderr: '', stdout: EDITED });
    expect(load(stamps.split as FileCommandStamp).cacheAccepted).toBe(true);
    expect(readFileSync(cacheFile('split')).subarray(0, 72).equals(good.subarray(0, 72))).toBe(true);
  });

  it('ignores a damaged or truncated cache: same output, and a good cache is written again', () => {
    run(split);
    const good = readFileSync(cacheFile('split'));
    const damaged = (at: number) => {
      const b = Buffer.from(good);
      b[at] = (b[at] as number) ^ 0xff;
      return b;
    };
    // Inside the payload (past V8's header): V8 would take it and the process crash deserializing
    // it; written since the cache was, it is no cache.
    const bad = [
      damaged(104 + 5_000),
      damaged(good.length - 100),
      damaged(104),
      damaged(80),
      good.subarray(0, good.length >> 1),
    ];
    for (const cache of [...bad, good.subarray(0, 104), Buffer.from('junk')]) {
      writeFileSync(cacheFile('split'), cache);
      const r = run(split);
      expect([r.status, r.signal, r.stderr, r.stdout]).toEqual([0, null, '', EDITED]);
      expect(readFileSync(cacheFile('split')).toString('latin1', 0, 64)).toBe(stamps.split?.hash);
      expect(readFileSync(cacheFile('split')).length).toBeGreaterThan(good.length >> 1);
    }
  });

  it("never uses another bundle's cache, even one V8 itself would take (same length, other code)", async () => {
    run(split);
    const filename = join(dir, 'split.cjs');
    const source = readFileSync(filename, 'utf8');
    // Another build of split.cjs: one word of its help changed, the length kept.
    const changed = source.replace('Usage: switchyard split -f PATH', 'Usage: switchyard SPLIT -f PATH');
    expect(changed).not.toBe(source);
    expect(changed.length).toBe(source.length);
    writeFileSync(filename, changed);
    try {
      // V8 checks only the length: given the old cache, it would run the old help text. Shown in a
      // process of its own (in this one, V8 may serve the script from its in-memory cache instead).
      const v8Alone = spawnSync(
        process.execPath,
        [
          '-e',
          `const { readFileSync } = require('node:fs');
           const { Script } = require('node:vm');
           const [file, cache] = process.argv.slice(1);
           const script = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(file, 'utf8') + '\\n})', { filename: file, cachedData: readFileSync(cache).subarray(104) });
           const m = { exports: {} };
           script.runInThisContext()(m.exports, require, m, file, '.');
           console.log(script.cachedDataRejected);
           m.exports.main(['split', '--help']);`,
          filename,
          cacheFile('split'),
        ],
        { encoding: 'utf8' },
      );
      expect(v8Alone.stdout).toMatch(/^false\nUsage: switchyard split -f PATH/);

      // Not under the old stamp: the file is not the one it describes.
      expect(loadFileCommand(dir, 'split', stamps.split as FileCommandStamp)).toBeUndefined();
      const { size, mtimeMs } = statSync(filename);
      const loaded = load({ hash: createHash('sha256').update(changed).digest('hex'), size, mtimeMs });
      expect(loaded.cacheAccepted).toBe(false);
      expect(await printed(() => loaded.main(['split', '--help']))).toMatch(
        /^Usage: switchyard SPLIT -f PATH/,
      );
    } finally {
      writeFileSync(filename, source);
      // Written again: its stamp, as a build would write it.
      const output = Object.keys(meta.outputs).find((o) => o.endsWith('/split.cjs')) as string;
      const stamp = stamps.split as FileCommandStamp;
      stamps.split = fileCommandStamp(
        root,
        output,
        meta.outputs[output] as Metafile['outputs'][string],
        stamp.builtAtMs,
      );
      writeFileSync(join(dir, 'split.json'), JSON.stringify(stamps.split));
    }
  });

  it('runs nothing when a source is newer than the build, the bundle is not the one built, or there is no stamp', () => {
    const stamp = stamps.split as FileCommandStamp;
    const source = join(root, 'main/commands/split-command.ts');
    const { atime, mtime } = statSync(source);
    expect(currentFileCommand(root, outdir, 'split')).toBeDefined();
    writeFileSync(join(dir, 'split.json'), JSON.stringify({ ...stamp, builtAtMs: mtime.getTime() - 1 }));
    expect(currentFileCommand(root, outdir, 'split')).toBeUndefined();
    expect(run(split).status).toBe(99);
    writeFileSync(join(dir, 'split.json'), JSON.stringify({ ...stamp, mtimeMs: stamp.mtimeMs - 1 }));
    expect(currentFileCommand(root, outdir, 'split')).toBeUndefined();
    writeFileSync(
      join(dir, 'split.json'),
      JSON.stringify({ ...stamp, sources: [...stamp.sources, 'main/gone.ts'] }),
    );
    expect(currentFileCommand(root, outdir, 'split')).toBeUndefined();
    rmSync(join(dir, 'split.json'));
    expect(currentFileCommand(root, outdir, 'split')).toBeUndefined();
    expect(run(split).status).toBe(99);
    expect(currentFileCommand(root, outdir, 'web')).toBeUndefined();
    expect(currentFileCommand(root, outdir, '../split')).toBeUndefined();
    writeFileSync(join(dir, 'split.json'), JSON.stringify(stamp));
    expect(currentFileCommand(root, outdir, 'split')).toEqual(stamp);
    expect(statSync(source).mtime).toEqual(mtime);
    expect(statSync(source).atime.getTime()).toBeGreaterThanOrEqual(atime.getTime() - 1);
  });

  it('a cache it cannot write is no error', () => {
    mkdirSync(join(cacheFile('split'), 'in-the-way'), { recursive: true });
    try {
      const loaded = load(stamps.split as FileCommandStamp);
      expect(loaded.writeCache(true)).toBe(false);
      const r = run(split);
      expect([r.status, r.stderr, r.stdout]).toEqual([0, '', EDITED]);
      expect(existsSync(`${cacheFile('split')}.${process.pid}.tmp`)).toBe(false);
    } finally {
      rmSync(cacheFile('split'), { recursive: true, force: true });
    }
  });
});

/** What `fn` prints on stdout, and the SIGINT/SIGTERM listeners processIO adds taken off again. */
async function printed(fn: () => Promise<number>): Promise<string> {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((t) => {
    out.push(String(t));
    return true;
  });
  // The bundles write to fd 1 directly (main/commands/direct-output.ts).
  const realWriteSync = fs.writeSync;
  const direct = vi.spyOn(fs, 'writeSync').mockImplementation(((
    fd: number,
    data: Uint8Array,
    offset?: number | null,
    ...rest: unknown[]
  ) => {
    if (fd !== 1 || !(data instanceof Uint8Array))
      return (realWriteSync as (...args: unknown[]) => number)(fd, data, offset, ...rest);
    const from = offset ?? 0;
    out.push(Buffer.from(data.subarray(from)).toString('utf8'));
    return data.length - from;
  }) as typeof fs.writeSync);
  try {
    expect(await fn()).toBe(0);
  } finally {
    write.mockRestore();
    direct.mockRestore();
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      for (const l of process.listeners(signal)) if (!before[signal].includes(l)) process.off(signal, l);
  }
  return out.join('');
}
