import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { currentFileCommand, FILE_COMMANDS_DIR, loadFileCommand } from '../../../bin/cli-file-command.mjs';
import {
  asciiOnly,
  cliBuildOptions,
  fileCommandStamp,
  webCoreBuildOptions,
} from '../../../scripts/cli-bundle.mjs';
import { callNames } from '../../../shared/api/contract.ts';

// `switchyard web` as built (out/cli, ES modules) loads what the page's first calls need (the app
// core, the demo, the contract, the socket layer: main/commands/web-core.ts) from one CommonJS file,
// `web-core.cjs`, compiled with a V8 code cache written when the process exits. Built here from the
// real sources into a folder of this test's own, as scripts/build-cli.mjs builds out/cli.

const root = resolve(import.meta.dirname, '../../..');
const TOKEN = 'web-core-token-0123456789';
let outdir: string;
let dir: string;
let meta: Metafile['outputs'][string];
let hash: string;
let builtAt: number;

beforeAll(async () => {
  mkdirSync(join(root, 'out'), { recursive: true });
  // Under out/ in the repository: the built command finds the repository at `../..` of its chunks.
  outdir = mkdtempSync(join(root, 'out', 'test-web-core-'));
  dir = join(outdir, FILE_COMMANDS_DIR);
  const builtAtMs = Date.now();
  builtAt = builtAtMs;
  const [, web] = await Promise.all([
    build(cliBuildOptions(root, outdir)),
    build({ ...webCoreBuildOptions(root, outdir), metafile: true }),
  ]);
  const [output, m] = Object.entries((web.metafile as Metafile).outputs)[0] as [
    string,
    Metafile['outputs'][string],
  ];
  meta = m;
  // As scripts/build-cli.mjs does: ASCII, then the stamp.
  const file = join(root, output);
  writeFileSync(file, asciiOnly(readFileSync(file, 'utf8')));
  const stamp = fileCommandStamp(root, output, m, builtAtMs);
  hash = stamp.hash;
  writeFileSync(join(dir, 'web-core.json'), JSON.stringify(stamp));
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const cacheFile = () => join(dir, 'web-core.v8cache');

describe('the web core as one CommonJS file', () => {
  it('holds the app core, the demo, the contract and the socket layer', () => {
    const inputs = Object.keys(meta.inputs);
    for (const source of [
      'main/commands/web-core.ts',
      'main/core/app-core.ts',
      'main/demo/embedded-demo.ts',
      'shared/api/contract.ts',
      'main/server/socket-layer.ts',
    ])
      expect(inputs).toContain(source);
  });

  it('requires only packages CommonJS can require, and imports at run time only the Kubernetes client', () => {
    // An ES-module-only package (the demo store's @kubernetes-models validators) cannot be required
    // from a CommonJS file: it must be in the bundle.
    const req = createRequire(join(root, 'package.json'));
    const optional = new Set(['bufferutil', 'utf-8-validate']); // ws requires them inside try/catch
    const packages = meta.imports
      .filter((i) => i.kind === 'require-call' || i.kind === 'require-resolve')
      .map((i) => i.path)
      .filter((p) => !p.startsWith('node:') && !builtinModules.includes(p) && !optional.has(p));
    expect(packages.length).toBeGreaterThan(0);
    for (const p of packages) expect(() => req.resolve(p), p).not.toThrow();
    const dynamic = meta.imports
      .filter((i) => i.kind === 'dynamic-import')
      .map((i) => i.path)
      .filter((p) => !p.startsWith('node:') && !builtinModules.includes(p));
    expect(dynamic).toEqual(['@kubernetes/client-node']);
  });

  it("leaves out ws's optional native add-ons, which Node would otherwise search for at each start", () => {
    const addons = meta.imports.filter((i) => i.path === 'bufferutil' || i.path === 'utf-8-validate');
    expect(addons).toEqual([]);
    const source = readFileSync(join(dir, 'web-core.cjs'), 'latin1');
    expect(source).not.toMatch(/require\("(bufferutil|utf-8-validate)"\)/);
  });

  it('loads TLS, HTTPS, child processes and zlib at their first use, not with the core', () => {
    // In a process of its own, with the built-ins the web command has already loaded.
    const code = `require('node:http'); require('node:net'); require('node:crypto');
const runner = await import(${JSON.stringify(join(root, 'bin/cli-file-command.mjs'))});
const stamp = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(join(dir, 'web-core.json'))}, 'utf8'));
const before = new Set(process.moduleLoadList);
const core = runner.loadFileCommand(${JSON.stringify(dir)}, 'web-core', stamp);
const loaded = (list) => list.filter((m) => /^NativeModule (tls|https|child_process|zlib)$/.test(m));
console.log(JSON.stringify({ core: typeof core?.exports.createAppCore, atLoad: loaded(process.moduleLoadList.filter((m) => !before.has(m))) }));`;
    const out = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${code}`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ core: 'function', atLoad: [] });
  });

  it('is ASCII, read as Latin-1 (the same text), after the build escaped the non-ASCII in its comments', () => {
    const stamp = JSON.parse(readFileSync(join(dir, 'web-core.json'), 'utf8'));
    expect(stamp.ascii).toBe(true);
    const bytes = readFileSync(join(dir, 'web-core.cjs'));
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    expect(bytes.toString('latin1')).toBe(bytes.toString('utf8'));
  });

  it('is current without a look at each source only for the build whose sources the caller checked', () => {
    const stamp = JSON.parse(readFileSync(join(dir, 'web-core.json'), 'utf8'));
    // A stamp whose build is older than its sources: current only when told they were checked for it.
    const older = { ...stamp, builtAtMs: 1 };
    writeFileSync(join(dir, 'web-core.json'), JSON.stringify(older));
    try {
      expect(currentFileCommand(root, outdir, 'web-core')).toBeUndefined();
      expect(currentFileCommand(root, outdir, 'web-core', 2)).toBeUndefined();
      expect(currentFileCommand(root, outdir, 'web-core', 1)).toEqual(older);
    } finally {
      writeFileSync(join(dir, 'web-core.json'), JSON.stringify(stamp));
    }
    expect(currentFileCommand(root, outdir, 'web-core')?.builtAtMs).toBe(builtAt);
  });

  it('loads through the file commands’ runner with the exports the web command uses, and its cache is taken', () => {
    const stamp = JSON.parse(readFileSync(join(dir, 'web-core.json'), 'utf8'));
    const first = loadFileCommand(dir, 'web-core', stamp);
    expect(first?.cacheAccepted).toBe(false);
    const exports = first?.exports as Record<string, unknown>;
    for (const name of ['createAppCore', 'startEmbeddedDemo', 'demoSampleRequests', 'createSocketLayer'])
      expect(typeof exports[name], name).toBe('function');
    expect(exports.callNames).toEqual(callNames);
    expect(first?.writeCache(true)).toBe(true);
    expect(loadFileCommand(dir, 'web-core', stamp)?.cacheAccepted).toBe(true);
    rmSync(cacheFile());
  });
});

/** The built command's `web`, run as bin/switchyard.mjs runs out/cli/cli.js. */
async function startBuiltWeb(
  work: string,
  files: Record<string, string> = { 'index.html': '<!doctype html><title>Switchyard</title>' },
): Promise<{ child: ChildProcess; port: number }> {
  const renderer = join(work, 'renderer');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(renderer, name, '..'), { recursive: true });
    writeFileSync(join(renderer, name), text);
  }
  const code = `const cli = await import(${JSON.stringify(join(outdir, 'cli.js'))});
process.exitCode = await cli.main(['web', '--renderer', ${JSON.stringify(renderer)}]);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    env: {
      ...process.env,
      SWITCHYARD_TOKEN: TOKEN,
      SWITCHYARD_DATA_DIR: join(work, 'data'),
      KUBECONFIG: join(work, 'no-kubeconfig'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c) => (err += c));
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout?.on('data', (c) => {
      out += c;
      const m = /ready: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`web exited with ${c}: ${err}`)));
  });
  return { child, port };
}

/** One call over the socket, as the page makes it. */
function callOnce(port: number, channel: string): Promise<{ ok: boolean; value?: unknown }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${TOKEN}`, {
    origin: `http://127.0.0.1:${port}`,
  });
  return new Promise((resolveCall, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, channel, payload: {} })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number; result?: { ok: boolean } };
      if (frame.type !== 'result' || frame.id !== 1) return;
      ws.close();
      resolveCall(frame.result as { ok: boolean; value?: unknown });
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('switchyard web as built', () => {
  it('answers from the web core bundle, writes its code cache at exit, and takes it the next time', async () => {
    const work = mkdtempSync(join(outdir, 'work-'));
    expect(existsSync(cacheFile())).toBe(false);

    const first = await startBuiltWeb(work);
    const info = await callOnce(first.port, 'app.info');
    expect(info.ok).toBe(true);
    expect(await stop(first.child)).toBe(0);
    // Only the bundle's path writes this cache: it starts with the sha256 of the bundle it is for.
    const cache = readFileSync(cacheFile());
    expect(cache.toString('latin1', 0, 64)).toBe(hash);
    expect(hash).toBe(
      createHash('sha256')
        .update(readFileSync(join(dir, 'web-core.cjs')))
        .digest('hex'),
    );
    const written = statSync(cacheFile()).mtimeMs;

    // V8 takes it: the next run does not write it again.
    const second = await startBuiltWeb(work);
    expect((await callOnce(second.port, 'contexts.list')).ok).toBe(true);
    expect(await stop(second.child)).toBe(0);
    expect(statSync(cacheFile()).mtimeMs).toBe(written);
  }, 60_000);

  it('writes its code cache once the page painted its first screen, not again at exit', async () => {
    rmSync(cacheFile(), { force: true });
    const work = mkdtempSync(join(outdir, 'work-'));
    const web = await startBuiltWeb(work, {
      'index.html': '<!doctype html><script type="module" src="/assets/entry.js"></script>',
      'assets/entry.js': 'export {};',
      'assets/later.js': 'export {};',
    });
    const get = (path: string) => fetch(`http://127.0.0.1:${web.port}${path}`).then((r) => r.text());
    await get(`/?token=${TOKEN}`);
    await get('/assets/entry.js');
    expect((await callOnce(web.port, 'app.info')).ok).toBe(true);
    expect(existsSync(cacheFile())).toBe(false);
    // A script after the first ones: the page painted its first screen (web-server.ts).
    await get('/assets/later.js');
    const deadline = Date.now() + 10_000;
    while (!existsSync(cacheFile()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(web.child.exitCode).toBe(null);
    const written = statSync(cacheFile()).mtimeMs;
    expect(await stop(web.child)).toBe(0);
    expect(statSync(cacheFile()).mtimeMs).toBe(written);
  }, 60_000);
});

describe('asciiOnly', () => {
  it('escapes every non-ASCII unit, leaving code that means the same', () => {
    const source = `/* v1 → v2, 100 % */ module.exports = ['é😀', /→+/.test('→→'), \`ü\${'ß'}\`];`;
    const ascii = asciiOnly(source);
    expect(/[\u0080-\uffff]/.test(ascii)).toBe(false);
    const run = (text: string) => {
      const module = { exports: undefined as unknown };
      new Function('module', text)(module);
      return module.exports;
    };
    expect(run(ascii)).toEqual(run(source));
    expect(run(ascii)).toEqual(['é😀', true, 'üß']);
    expect(asciiOnly('plain ascii')).toBe('plain ascii');
  });
});
