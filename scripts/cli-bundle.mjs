// How the `switchyard` command is bundled (scripts/build-cli.mjs builds it; a unit test checks what
// each file command loads): the whole command as ES modules in out/cli (cli.js, a chunk per command),
// and each file command again as one CommonJS file of its own in out/cli/file-commands, which
// bin/switchyard.mjs runs with a V8 code cache (bin/cli-file-command.mjs).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build as esbuild } from 'esbuild';
import { FILE_COMMANDS_DIR, WEB_CORE_BUNDLE } from '../bin/cli-file-command.mjs';

/**
 * Every package stays external (loaded from node_modules when a command needs it) except `yaml`,
 * `zod` and `ws` (externalPackages below). `yaml`:
 * the file commands all read YAML, and its ~80 CommonJS files cost a file command more start-up
 * time than the edit itself; bundled, it is one chunk the file commands load and the rest never do.
 * `zod` and `ws` are bundled for the same reason, for `switchyard web`: its first screen waits for
 * the socket layer and the contract, and Node's loader took 55-140 ms to resolve and load zod's
 * ~100 ES modules and 30-85 ms for ws's CommonJS files (load 5), against 28-41 and 12-20 ms as
 * chunks of the bundle. Their optional native add-ons (ws's bufferutil and utf-8-validate, which
 * it requires inside try/catch) stay external.
 * @param {string} root the repository
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function cliBuildOptions(root, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: ['main/cli.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The first screen's server render (web-core.ts) brings React and the renderer's first screen:
    // bundled, as the page has them, not required from node_modules (the packaged app has none).
    external: externalPackages(root).filter((p) => !FIRST_SCREEN_PACKAGES.includes(p.replace(/\/\*$/, ''))),
    // The bundled CommonJS of `yaml` and `ws` requires Node built-ins (process, buffer, events): give
    // the ES modules a require.
    banner: {
      js: "import { createRequire as __syCreateRequire } from 'node:module'; const require = __syCreateRequire(import.meta.url);",
    },
    splitting: true,
    // main/commands/web-core-loader.ts loads the web core from its one-file bundle (webCoreBuildOptions).
    define: { __SWITCHYARD_WEB_CORE_BUNDLE__: 'true', 'process.env.NODE_ENV': '"production"' },
    plugins: [withoutLazyScreens],
    outdir,
    logLevel: 'warning',
  };
}

/** @param {string} root */
function externalPackages(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bundled = new Set(['yaml', 'zod', 'ws']);
  return (
    Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
      .filter((d) => !bundled.has(d))
      .flatMap((d) => [d, `${d}/*`])
      // ws's optional native add-ons, which it requires inside try/catch.
      .concat(['bufferutil', 'utf-8-validate'])
  );
}

/** The commands that edit or read files: each also gets a one-file bundle (below). */
export const FILE_COMMANDS = ['split', 'cutover', 'route', 'match', 'lint', 'preview'];

export { FILE_COMMANDS_DIR, WEB_CORE_BUNDLE };

const ENTRY_NAMESPACE = 'switchyard-file-command';
const IMPORT_META_URL_BANNER = "var __syImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";
const LAZY_NAMESPACE = 'switchyard-lazy-builtin';

/**
 * Built-ins a bundle may import but seldom uses, required at their first use instead of at start
 * (node:crypto costs ~2.5 ms to load; `split --write` calls randomBytes for its temporary file
 * name). The bundle gets a stand-in whose every export is a getter that requires the built-in: a
 * function, a class or a constant read from it is the built-in's own, only read later.
 */
const LAZY_BUILTINS = ['node:crypto'];

/**
 * The web core's too: TLS, HTTPS and child processes serve cluster calls (and the demo mesh), zlib
 * ws's compression, which `switchyard web` does not offer; the page's first calls need none of them
 * (~3 ms to load at start, more while the page's script runs). Both spellings: ws requires 'https'.
 */
const WEB_CORE_LAZY_BUILTINS = [
  ...LAZY_BUILTINS,
  ...['https', 'tls', 'child_process', 'zlib'].flatMap((name) => [`node:${name}`, name]),
];

/** @param {string} builtin */
function lazyBuiltin(builtin) {
  const names = Object.keys(createRequire(import.meta.url)(builtin)).filter((name) => name !== 'default');
  const required = `require(${JSON.stringify(builtin)})`;
  return [
    `for (const name of ${JSON.stringify(names)}) {`,
    `  Object.defineProperty(exports, name, { enumerable: true, get: () => ${required}[name] });`,
    '}',
  ].join('\n');
}

/**
 * A file's text with `from` (which must occur exactly once) replaced by `to`, for an esbuild onLoad.
 * @param {string} path
 * @param {import('esbuild').Loader} loader
 * @param {string} from
 * @param {string} to
 */
function replaceOnce(path, loader, from, to) {
  const text = readFileSync(path, 'utf8');
  const parts = text.split(from);
  if (parts.length !== 2)
    throw new Error(`${path}: expected '${from}' once, found it ${parts.length - 1} times`);
  return { contents: parts.join(to), loader };
}

/**
 * Each file command as one CommonJS file, `<command>.cjs` in out/cli/file-commands, exporting
 * `main(argv)` (argv starting with the command's name) that runs just that command as main/cli.ts
 * would. One file instead of the ten-odd ES modules of its chunks, and a script rather than a
 * module, so that bin/switchyard.mjs can compile it with a V8 code cache (bin/cli-file-command.mjs).
 * No dynamic import may be left in it (a vm.Script has no module loader): the test of the bundle
 * checks it.
 * @param {string} root the repository
 * @param {string} outdir out/cli: the bundles go to its FILE_COMMANDS_DIR
 * @param {readonly string[]} re2Accepted patterns RE2 accepted at build time, which the RE2 engine
 *   then does not check again (`presetPatternsAcceptedByRe2`)
 * @param {readonly string[]} [lazyBuiltins] built-ins required at their first use (LAZY_BUILTINS)
 * @returns {import('esbuild').BuildOptions}
 */
export function fileCommandBuildOptions(root, outdir, re2Accepted = [], lazyBuiltins = LAZY_BUILTINS) {
  return {
    absWorkingDir: root,
    entryPoints: FILE_COMMANDS.map((command) => ({ in: `${ENTRY_NAMESPACE}:${command}`, out: command })),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // re2-wasm's JavaScript (230 KB) is bundled too, so that it compiles from the code cache; its
    // WebAssembly is still read from node_modules (below).
    external: [
      ...externalPackages(root).filter((p) => p !== 're2-wasm' && p !== 're2-wasm/*'),
      're2-wasm/build/wasm/re2.wasm',
    ],
    // The RE2 engine requires re2-wasm relative to import.meta.url, which a CommonJS file lacks.
    define: {
      'import.meta.url': '__syImportMetaUrl',
      __SWITCHYARD_RE2_ACCEPTED__: JSON.stringify(re2Accepted),
    },
    banner: { js: IMPORT_META_URL_BANNER },
    outdir: join(outdir, FILE_COMMANDS_DIR),
    outExtension: { '.js': '.cjs' },
    logLevel: 'warning',
    plugins: [
      {
        name: ENTRY_NAMESPACE,
        setup(build) {
          build.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({
            path: args.path.slice(ENTRY_NAMESPACE.length + 1),
            namespace: ENTRY_NAMESPACE,
          }));
          build.onResolve({ filter: /^(node:)?[a-z_]+$/ }, (args) => {
            if (!lazyBuiltins.includes(args.path)) return undefined;
            // The shim's own require is the built-in itself.
            if (args.namespace === LAZY_NAMESPACE) return { path: args.path, external: true };
            return { path: args.path, namespace: LAZY_NAMESPACE };
          });
          // The RE2 engine loads re2-wasm with a require of its own (so that it loads at the first
          // pattern); in this bundle a plain require, which esbuild bundles, still runs at that call.
          build.onLoad({ filter: /[\\/]main[\\/]lib[\\/]re2-engine\.ts$/ }, (args) =>
            replaceOnce(args.path, 'ts', "createRequire(import.meta.url)('re2-wasm')", "require('re2-wasm')"),
          );
          // Emscripten's glue finds re2.wasm next to itself (__dirname): in the bundle, next to re2-wasm's
          // glue in node_modules, wherever that resolves from the bundle.
          build.onLoad({ filter: /[\\/]re2-wasm[\\/]build[\\/]wasm[\\/]re2\.js$/ }, (args) =>
            replaceOnce(
              args.path,
              'js',
              "scriptDirectory = __dirname + '/';",
              "scriptDirectory = require('node:path').dirname(require.resolve('re2-wasm/build/wasm/re2.wasm')) + '/';",
            ),
          );
          build.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, (args) => ({
            // CommonJS (it assigns to `exports`): its getters are read at each use, not copied.
            loader: 'js',
            contents: lazyBuiltin(args.path),
          }));
          build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({
            resolveDir: root,
            loader: 'js',
            contents: [
              "import { processIO, runCommand } from './main/commands/run-command.ts';",
              `import { ${args.path}Command as command } from './main/commands/${args.path}-command.ts';`,
              'export function main(argv) {',
              '  return runCommand(argv[0], command, argv.slice(1), processIO({ direct: true }));',
              '}',
            ].join('\n'),
          }));
        },
      },
    ],
  };
}

/**
 * What `switchyard web` loads once the page has its script (main/commands/web-core.ts: the app core,
 * the demo mesh, the contract and the socket layer) as one CommonJS file too, `web-core.cjs` beside
 * the file commands' bundles, which main/commands/web-core-loader.ts compiles with a V8 code cache
 * through bin/cli-file-command.mjs. As ES-module chunks, V8 compiled ~2.5 MB of them at every start,
 * about a third of the server's work between the page's script and the answers to its first
 * calls; Node 20 has no compile cache for ES modules. The command itself stays an ES module in
 * out/cli, so that it listens and serves the page as soon as before (a one-file bundle of the whole
 * command was read and deserialized before it listened: 40 ms later, and the first screen slower).
 * Two differences from the file commands' bundles:
 * - the demo store's validators (`@kubernetes-models/*`, ES modules only, which a CommonJS bundle
 *   cannot require) are bundled in, and so is `js-yaml` (the kubeconfig reader), which as a package
 *   of its own took 15-20 ms of the core's load to compile at every start;
 * - `import.meta.url` is the URL of a chunk in out/cli (`out/cli/web-core.js`, which does not
 *   exist), where the ES-module build puts the same code: the sources find the repository relative
 *   to it (`../..`).
 * What it imports only when needed (the Kubernetes client for a legacy auth provider, Node's
 * built-ins) goes through Node's own loader (bin/cli-file-command.mjs); ws's optional native add-ons
 * are left out (withoutWsNativeAddons).
 * @param {string} root the repository
 * @param {string} outdir out/cli
 * @returns {import('esbuild').BuildOptions}
 */
export function webCoreBuildOptions(root, outdir) {
  const options = fileCommandBuildOptions(root, outdir, [], WEB_CORE_LAZY_BUILTINS);
  return {
    ...options,
    entryPoints: [{ in: 'main/commands/web-core.ts', out: WEB_CORE_BUNDLE }],
    external: (options.external ?? []).filter(
      (p) =>
        !p.startsWith('@kubernetes-models/') &&
        !FIRST_SCREEN_PACKAGES.includes(p.replace(/\/\*$/, '')) &&
        p !== 'js-yaml' &&
        p !== 'js-yaml/*' &&
        !WS_NATIVE_ADDONS.includes(p),
    ),
    // React's production build, as the page runs it.
    define: { ...options.define, 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: "var __syImportMetaUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'web-core.js')).href;",
    },
    plugins: [...(options.plugins ?? []), withoutWsNativeAddons, withoutLazyScreens],
  };
}

/**
 * What the first screen's server render (renderer/src/ssr/first-screen-html.tsx) needs besides the
 * renderer's own code: React, its server renderer, the stores' library and the service list's
 * virtualizer.
 */
const FIRST_SCREEN_PACKAGES = ['react', 'react-dom', 'zustand', '@tanstack/react-virtual'];
const LAZY_SCREEN_NAMESPACE = 'switchyard-lazy-screen';

/**
 * The renderer's lazily imported screens (renderer/src/app/lazy-screens.tsx) stay out of the web
 * core: the first screen renders none of them, and they hold echarts. Importing one there fails.
 * @type {import('esbuild').Plugin}
 */
const withoutLazyScreens = {
  name: LAZY_SCREEN_NAMESPACE,
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]renderer[\\/]src[\\/]/.test(args.importer))
        return undefined;
      return { path: args.path, namespace: LAZY_SCREEN_NAMESPACE };
    });
    // renderToString is the legacy server renderer's: react-dom/server would bring the streaming
    // one too (~290 KB more to load at each start), which nothing here uses.
    build.onResolve({ filter: /^react-dom\/server$/ }, () => ({
      path: join(
        dirname(
          createRequire(join(build.initialOptions.absWorkingDir ?? process.cwd(), 'package.json')).resolve(
            'react-dom/package.json',
          ),
        ),
        'cjs/react-dom-server-legacy.node.production.js',
      ),
    }));
    build.onLoad({ filter: /.*/, namespace: LAZY_SCREEN_NAMESPACE }, (args) => ({
      loader: 'js',
      contents: `throw new Error(${JSON.stringify(`${args.path} is a screen the server does not render`)});`,
    }));
  },
};

/** ws's optional native add-ons, which it requires inside try/catch; Switchyard installs neither. */
const WS_NATIVE_ADDONS = ['bufferutil', 'utf-8-validate'];
const ABSENT_NAMESPACE = 'switchyard-absent';

/**
 * In the web core, ws's require of each add-on throws at once, so ws takes its JavaScript
 * fallback as it does when they are not installed, without Node first searching every
 * node_modules folder up from out/cli for them (~1 ms at each start, while the page waits).
 * @type {import('esbuild').Plugin}
 */
const withoutWsNativeAddons = {
  name: ABSENT_NAMESPACE,
  setup(build) {
    const filter = new RegExp(`^(${WS_NATIVE_ADDONS.join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: ABSENT_NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: ABSENT_NAMESPACE }, (args) => ({
      loader: 'js',
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the web core: ws uses its JavaScript fallback`)});`,
    }));
  },
};

/**
 * `text` with every non-ASCII UTF-16 unit written as a `\uXXXX` escape. esbuild already escapes
 * them in strings, templates, regexes and names (its default charset is ASCII) but not in the
 * comments it keeps; so what is left is in comments, where the escape is just text (and anywhere
 * else `\uXXXX` would mean the same unit). An ASCII bundle is read as Latin-1: no UTF-8 decoding,
 * and a one-byte string for V8 (bin/cli-file-command.mjs).
 * @param {string} text
 */
export function asciiOnly(text) {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The stamp of a one-file bundle esbuild has written (bin/cli-file-command.mjs reads it): when the
 * build started, the sha256, size and mtime of the file, and the repository sources in it.
 * @param {string} root the repository (esbuild's absWorkingDir, which the metafile's paths are relative to)
 * @param {string} output the bundle's path in the metafile
 * @param {import('esbuild').Metafile['outputs'][string]} meta its entry in the metafile
 * @param {number} builtAtMs when the build started
 * @returns {import('../bin/cli-file-command.mjs').FileCommandStamp}
 */
export function fileCommandStamp(root, output, meta, builtAtMs) {
  const path = join(root, output);
  const { size, mtimeMs } = statSync(path);
  return {
    builtAtMs,
    hash: createHash('sha256').update(readFileSync(path)).digest('hex'),
    size,
    mtimeMs,
    ascii: !/[\u0080-\uffff]/.test(readFileSync(path, 'latin1')),
    sources: Object.keys(meta.inputs)
      .filter((input) => !input.includes('node_modules/') && !input.includes(':'))
      .sort(),
  };
}

/**
 * Every pattern the OS and browser presets compile to (each alone, and each OS with each browser)
 * that RE2 accepts, checked by the RE2 engine itself: the file commands' bundles are built with
 * them (main/lib/re2-engine.ts), so that `switchyard match --os android` needs no re2-wasm. Should a
 * preset's pattern be one RE2 rejects, it is left out and checked (and rejected) at run time. A
 * bundle with an older list is harmless: a pattern RE2 accepted stays accepted.
 * @param {string} root the repository
 * @returns {Promise<string[]>}
 */
export async function presetPatternsAcceptedByRe2(root) {
  const result = await esbuild({
    absWorkingDir: root,
    stdin: {
      contents: `
        import { createRe2Engine } from './main/lib/re2-engine.ts';
        import { BROWSER_PRESETS, OS_PRESETS, userAgentPatterns } from './shared/mesh/policy/ua-presets.ts';
        export function accepted() {
          const engine = createRe2Engine([]);
          const patterns = new Set();
          for (const os of [undefined, ...OS_PRESETS])
            for (const browser of [undefined, ...BROWSER_PRESETS])
              for (const p of userAgentPatterns(os, browser)) {
                patterns.add(p.match);
                if (p.exclude !== null) patterns.add(p.exclude);
              }
          return [...patterns].filter((p) => engine.check(p) === null).sort();
        }`,
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'preset-patterns.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: externalPackages(root),
    define: { 'import.meta.url': '__syImportMetaUrl' },
    banner: { js: IMPORT_META_URL_BANNER },
    write: false,
    logLevel: 'warning',
  });
  // As if it were a file in the repository, so that it finds re2-wasm in node_modules.
  const filename = join(root, 'preset-patterns.cjs');
  const module = { exports: /** @type {{ accepted?: () => string[] }} */ ({}) };
  new Function('exports', 'require', 'module', '__filename', '__dirname', result.outputFiles[0].text)(
    module.exports,
    createRequire(filename),
    module,
    filename,
    dirname(filename),
  );
  return /** @type {() => string[]} */ (module.exports.accepted)();
}
