// A file command (split, cutover, route, match, lint, preview) from its one-file bundle in
// out/cli/file-commands, compiled with a V8 code cache. scripts/build-cli.mjs writes, for each,
// `<command>.cjs` (CommonJS: one file, not the ten-odd ES modules of its chunks in out/cli, and a
// script that vm.Script can compile from a cache) and last `<command>.json`, its stamp: when the
// build started, the sha256, size and mtime of the .cjs as written, and the repository sources in
// it. The bundle runs only when no source is newer than the build and the .cjs is the one the build
// wrote; otherwise `runFileCommand` says so and bin/switchyard.mjs goes the usual way (out/cli/cli.js
// or the sources).
//
// The code cache, `<command>.v8cache`, is written after a run that had none that V8 accepted (so it
// holds the functions the command ran, not only the top level), and again after the first run that
// exits 0 if the one taken was made by a run that failed (which ran less). It starts with the
// sha256 of the bundle it was made from: V8 itself checks only the length of the source a cache is
// for, so a cache from another bundle of the same length would run that bundle's code; here a cache
// is given to V8 only when its hash is the stamp's, and the stamp's only when the .cjs still has the
// size and mtime the build recorded (hashing 300-600 KB each start would cost more than it saves:
// loading node:crypto alone is ~2.5 ms). V8 checks a cache's own header but not its payload (a cache
// damaged inside it would crash the process), and is not told to (its checksum needs node:v8 to set
// the flag, which loads the streams layer: ~1.5 ms of every start); so a cache is trusted as the
// bundle is, by its size and mtime: its header holds the length of its payload and the mtime it was
// given when written (the whole second before), and any write to it since (a damaged or truncated
// file) makes it no cache. A cache V8 or that check rejects (another Node, a damaged file) is only slower: V8
// then compiles the source, and the cache is written again. It is written to a temporary file and
// renamed, so a concurrent run never reads half of one; a read-only out/cli just gets no cache.
//
// Node's built-ins are taken with process.getBuiltinModule, not imported: an ES module's import of
// a built-in makes a facade of it that reads every export, and node:fs's lazy `ReadStream` then
// loads the whole streams layer (~3 ms of each file command's start, for nothing it uses).
const {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} = process.getBuiltinModule('node:fs');
const { createRequire, isBuiltin } = process.getBuiltinModule('node:module');
const { join } = process.getBuiltinModule('node:path');
const { Script, constants: vmConstants } = process.getBuiltinModule('node:vm');

/** Where in out/cli the one-file bundles of the file commands are. */
export const FILE_COMMANDS_DIR = 'file-commands';
/**
 * The one-file bundle of what `switchyard web` loads once the page has its script
 * (main/commands/web-core-loader.ts loads it through loadFileCommand): a module, not a command.
 */
export const WEB_CORE_BUNDLE = 'web-core';
/** Length of the bundle's sha256 in hex, which heads a cache file. */
const HASH_LENGTH = 64;
/**
 * A cache file's header: the bundle's sha256, then 'C' when the run that made it exited 0 (else 'P':
 * a usage error, say, ran less of the command) and 7 spaces, then two numbers of FIELD_LENGTH
 * characters each: the file's mtime in whole seconds as written, and the length of V8's data after
 * the header. 104 bytes keep V8's data 8-byte aligned.
 */
const HEADER_LENGTH = 104;
const FIELD_LENGTH = 16;
const MTIME_AT = HASH_LENGTH + 8;

/**
 * @typedef {{ builtAtMs: number, hash: string, size: number, mtimeMs: number, ascii?: boolean, sources: string[] }} FileCommandStamp
 */

/**
 * The stamp of `command`'s one-file bundle when the bundle is current: built after every source in
 * it last changed, and the .cjs the build wrote; else undefined.
 * @param {string} root the repository
 * @param {string} outdir out/cli
 * @param {string} command
 * @param {number} [sourcesCheckedForBuild] when the caller has already found every source of this
 *   bundle older than the build that started at this time (the web core: bin/switchyard.mjs checked
 *   the web command's sources, which hold the core's, against out/cli's stamp): a bundle of that
 *   very build needs no second look at each source (~300 stats)
 * @returns {FileCommandStamp | undefined}
 */
export function currentFileCommand(root, outdir, command, sourcesCheckedForBuild) {
  if (!/^[a-z][a-z-]*$/.test(command)) return undefined;
  const dir = join(outdir, FILE_COMMANDS_DIR);
  /** @type {FileCommandStamp} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, `${command}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  if (
    typeof stamp.builtAtMs !== 'number' ||
    typeof stamp.hash !== 'string' ||
    stamp.hash.length !== HASH_LENGTH ||
    !Array.isArray(stamp.sources)
  )
    return undefined;
  if (stamp.builtAtMs !== sourcesCheckedForBuild)
    for (const file of stamp.sources) {
      const stats = statSync(join(root, file), { throwIfNoEntry: false });
      if (!stats || stats.mtimeMs > stamp.builtAtMs) return undefined;
    }
  const bundle = statSync(join(dir, `${command}.cjs`), { throwIfNoEntry: false });
  if (!bundle || bundle.size !== stamp.size || bundle.mtimeMs !== stamp.mtimeMs) return undefined;
  return stamp;
}

/**
 * Runs `argv` (a command name first) from the command's one-file bundle, when it has a current one.
 * @param {string} root the repository
 * @param {string} outdir out/cli
 * @param {string[]} argv
 * @returns {Promise<number | undefined>} the exit code, or undefined when there is no current bundle
 */
export async function runFileCommand(root, outdir, argv) {
  const command = argv[0];
  if (command === undefined || command === WEB_CORE_BUNDLE) return undefined;
  const stamp = currentFileCommand(root, outdir, command);
  if (!stamp) return undefined;
  const loaded = loadFileCommand(join(outdir, FILE_COMMANDS_DIR), command, stamp);
  if (!loaded) return undefined;
  const code = await loaded.main(argv);
  // A cache is written where there is none V8 took, or to replace one made by a run that failed.
  const help = argv.includes('--help') || argv.includes('-h');
  if (!help && (!loaded.cacheAccepted || (!loaded.cacheComplete && code === 0)))
    loaded.writeCache(code === 0);
  return code;
}

/**
 * Compiles `<command>.cjs` in `dir`, with its code cache when the cache was made from the bundle
 * `stamp` describes, and runs its top level; undefined when the file read is not that bundle (still
 * its size and mtime: a build rewrote it since `currentFileCommand` looked).
 * @param {string} dir
 * @param {string} command
 * @param {Pick<FileCommandStamp, 'hash' | 'size' | 'mtimeMs' | 'ascii'>} stamp
 * @returns {{ main: (argv: string[]) => Promise<number>, exports: Record<string, unknown>, cacheAccepted: boolean, cacheComplete: boolean, writeCache: (complete: boolean) => boolean } | undefined}
 */
export function loadFileCommand(dir, command, stamp) {
  const filename = join(dir, `${command}.cjs`);
  const cacheFile = join(dir, `${command}.v8cache`);
  const { hash } = stamp;
  let source;
  let fd;
  try {
    fd = openSync(filename, 'r');
  } catch {
    return undefined; // gone since currentFileCommand looked
  }
  try {
    // The build made it ASCII (asciiOnly in scripts/cli-bundle.mjs): read as Latin-1, it is the
    // same text without UTF-8 decoding, and a one-byte string V8 compiles from (a 3.8 MB web core
    // took 16 ms as UTF-8 with a few non-ASCII characters in comments, against 5 ms).
    source = readFileSync(fd, stamp.ascii === true ? 'latin1' : 'utf8');
    const read = fstatSync(fd);
    if (read.size !== stamp.size || read.mtimeMs !== stamp.mtimeMs) return undefined;
  } finally {
    closeSync(fd);
  }
  /** @type {Buffer | undefined} */
  let cachedData;
  let cacheComplete = false;
  const file = readCache(cacheFile);
  if (file && file.data.toString('latin1', 0, HASH_LENGTH) === hash) {
    cachedData = file.data.subarray(HEADER_LENGTH);
    cacheComplete = file.data.toString('latin1', HASH_LENGTH, HASH_LENGTH + 1) === 'C';
  }
  // The wrapper Node gives a CommonJS module. A dynamic import left in a bundle (web's, of a package
  // or built-in it loads only when needed) goes to Node's own loader, as from a CommonJS file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cacheAccepted = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, bundleRequire(filename), module, filename, dir);
  return {
    main: module.exports.main,
    exports: module.exports,
    cacheAccepted,
    cacheComplete: cacheAccepted && cacheComplete,
    writeCache(complete) {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      try {
        const data = script.createCachedData();
        // A second before now: a later write to the file, even on a file system that keeps whole
        // seconds, gives it another mtime.
        const mtime = Math.floor(Date.now() / 1000) - 1;
        const header = Buffer.from(
          `${hash}${complete ? 'C' : 'P'}`.padEnd(MTIME_AT) +
            String(mtime).padStart(FIELD_LENGTH) +
            String(data.length).padStart(FIELD_LENGTH),
          'latin1',
        );
        writeFileSync(temp, Buffer.concat([header, data]));
        utimesSync(temp, mtime, mtime);
        renameSync(temp, cacheFile);
        return true;
      } catch {
        try {
          rmSync(temp, { force: true });
        } catch {
          // a read-only out/cli: nothing was written
        }
        return false;
      }
    },
  };
}

/**
 * The `require` a bundle gets, as a CommonJS module at `filename` would have it: Node's built-ins
 * (all a file command's bundle requires at its start) straight from process.getBuiltinModule, and
 * anything else (re2-wasm's WebAssembly, web's optional packages) through a require made for
 * `filename` at its first use. Making that require costs ~0.35 ms, and its require of a built-in
 * as much again over a bundle's top level.
 * @param {string} filename
 * @returns {NodeJS.Require}
 */
export function bundleRequire(filename) {
  /** @type {NodeJS.Require | undefined} */
  let full;
  const fileRequire = () => {
    full ??= createRequire(filename);
    return full;
  };
  /** @param {string} id */
  const require = (id) => (isBuiltin(id) ? process.getBuiltinModule(id) : fileRequire()(id));
  return Object.assign(require, {
    /** @type {NodeJS.RequireResolve} */
    resolve: Object.assign((request, options) => fileRequire().resolve(request, options), {
      paths: (/** @type {string} */ request) => fileRequire().resolve.paths(request),
    }),
    get cache() {
      return fileRequire().cache;
    },
    get main() {
      return fileRequire().main;
    },
    get extensions() {
      return fileRequire().extensions;
    },
  });
}

/**
 * A cache file as its writer left it: undefined when there is none, or it has been written to since
 * (its mtime or length is not the one its header records).
 * @param {string} cacheFile
 * @returns {{ data: Buffer } | undefined}
 */
function readCache(cacheFile) {
  let fd;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return undefined; // no cache yet
  }
  try {
    const data = readFileSync(fd);
    const { mtimeMs } = fstatSync(fd);
    if (data.length <= HEADER_LENGTH) return undefined;
    const field = (at) => Number(data.toString('latin1', at, at + FIELD_LENGTH));
    const mtime = field(MTIME_AT);
    const length = field(MTIME_AT + FIELD_LENGTH);
    if (!Number.isInteger(mtime) || mtime * 1000 !== mtimeMs) return undefined;
    if (length !== data.length - HEADER_LENGTH) return undefined;
    return { data };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
