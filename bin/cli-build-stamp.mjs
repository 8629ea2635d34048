// Whether out/cli (the bundled `switchyard` command) is current, without walking the sources.
// scripts/build-cli.mjs writes out/cli/build-stamp.json last, after a successful build: when the
// build started, and for the entry and each command the repository source files its chunks can
// load (from esbuild's metafile, static and lazy imports alike). bin/switchyard.mjs then stats only
// the files of the command being run (about 70 for `split`, against walking all of main/ and
// shared/: tens of ms on a loaded machine). A source changed since the build, a source gone, or no
// stamp (a fresh clone, a failed build) means the sources run through tsx instead.

// Not imported: an ES module's import of node:fs makes a facade that reads every export (see
// cli-file-command.mjs); with node:path's join for each of ~350 sources, the check of `web` took
// ~7 ms before its server could listen, against ~3 ms now.
const { readFileSync, statSync } = process.getBuiltinModule('node:fs');

export const STAMP_FILE = 'build-stamp.json';

/**
 * @typedef {{ builtAtMs: number, entry: string[], commands: Record<string, string[]> }} CliBuildStamp
 */

/**
 * The stamp for a build, from its metafile: every input outside node_modules (paths relative to
 * the repository) the entry can load without a command, and each command's chunk with what it loads.
 * @param {import('esbuild').Metafile} metafile
 * @param {number} builtAtMs when the build started (a source saved during the build counts as newer)
 * @returns {CliBuildStamp}
 */
export function stampFromMetafile(metafile, builtAtMs) {
  const outputs = metafile.outputs;
  const reach = (start, follow) => {
    const inputs = new Set();
    const seen = new Set();
    const walk = (path) => {
      if (seen.has(path) || !outputs[path]) return;
      seen.add(path);
      // A plugin's own module (`namespace:path`, such as a lazy screen left out) is no file.
      for (const input of Object.keys(outputs[path].inputs))
        if (!input.includes('node_modules/') && !input.includes(':')) inputs.add(input);
      for (const imp of outputs[path].imports) if (!imp.external && follow(imp)) walk(imp.path);
    };
    walk(start);
    return [...inputs].sort();
  };
  const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'main/cli.ts');
  if (!entryOut) throw new Error('the metafile has no output for main/cli.ts');
  /** @type {Record<string, string[]>} */
  const commands = {};
  for (const imp of outputs[entryOut].imports) {
    if (imp.kind !== 'dynamic-import') continue;
    const command = /^main\/commands\/([a-z-]+)-command\.ts$/.exec(outputs[imp.path]?.entryPoint ?? '')?.[1];
    if (command) commands[command] = reach(imp.path, () => true);
  }
  return { builtAtMs, entry: reach(entryOut, (imp) => imp.kind !== 'dynamic-import'), commands };
}

/**
 * True when the bundle in `outdir` was built from the sources as they are now for `command`
 * (an unknown command or none: the entry's own files, as the bundle then only prints help or an error).
 * @param {string} root the repository
 * @param {string} outdir
 * @param {string | undefined} command
 */
export function bundleIsCurrent(root, outdir, command) {
  /** @type {CliBuildStamp} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(`${outdir}/${STAMP_FILE}`, 'utf8'));
  } catch {
    return false;
  }
  if (typeof stamp.builtAtMs !== 'number' || !Array.isArray(stamp.entry)) return false;
  const own = command !== undefined && Object.hasOwn(stamp.commands, command) ? stamp.commands[command] : [];
  // The stamp's paths are relative, with '/' (which Windows takes too): joined by hand.
  const prefix = root.endsWith('/') || root.endsWith('\\') ? root : `${root}/`;
  for (const list of [stamp.entry, own])
    for (const file of list) {
      const stats = statSync(prefix + file, { throwIfNoEntry: false });
      if (!stats || stats.mtimeMs > stamp.builtAtMs) return false;
    }
  return statSync(`${outdir}/cli.js`, { throwIfNoEntry: false }) !== undefined;
}
