// Loads web-core.ts. In the built command (out/cli, ES modules), from its one-file CommonJS bundle
// `out/cli/file-commands/web-core.cjs` with a V8 code cache, through the same runner as the file
// commands (bin/cli-file-command.mjs): Node 20 has no compile cache for ES modules, and compiling
// the core's ~2.5 MB of chunks at each start was about a third of the server's work between the
// page's script and the answers to its first calls (the first screen waits for those). The cache is
// written, if V8 took none (a first run after a build), once the page painted its first screen
// (writeWebCoreCache), or else when the process exits: so it holds what the first screen ran, not a
// whole session (one with the demo mesh running wrote 2.4 MB instead of 1.1, which each later start
// deserialized before its first answers: ~6 ms). From the sources
// (tsx, tests), or when that bundle is missing or older than a source in it, the module is imported
// as any other.
import { readFileSync } from 'node:fs';
import type * as WebCoreModule from './web-core.ts';

export type WebCore = typeof WebCoreModule;

/** Set to true by the build of out/cli (scripts/cli-bundle.mjs); absent in the sources. */
declare const __SWITCHYARD_WEB_CORE_BUNDLE__: boolean | undefined;

let loading: Promise<WebCore> | undefined;
let writeCache: (() => void) | undefined;

/**
 * Writes the web core's code cache now, if this process is to write one and has not (~12 ms): the
 * web command calls it once the page painted its first screen.
 */
export function writeWebCoreCache(): void {
  writeCache?.();
}

/** web-core.ts's exports, loaded once. */
export function loadWebCore(): Promise<WebCore> {
  loading ??= fromBundle().then((bundled) => bundled ?? import('./web-core.ts'));
  return loading;
}

/** When out/cli's build started, from its stamp (bin/cli-build-stamp.mjs); undefined if unreadable. */
function cliBuiltAtMs(outdir: string): number | undefined {
  try {
    const stamp = JSON.parse(readFileSync(`${outdir}/build-stamp.json`, 'utf8')) as { builtAtMs?: unknown };
    return typeof stamp.builtAtMs === 'number' ? stamp.builtAtMs : undefined;
  } catch {
    return undefined;
  }
}

async function fromBundle(): Promise<WebCore | undefined> {
  if (typeof __SWITCHYARD_WEB_CORE_BUNDLE__ === 'undefined' || !__SWITCHYARD_WEB_CORE_BUNDLE__)
    return undefined;
  const [
    { currentFileCommand, loadFileCommand, FILE_COMMANDS_DIR, WEB_CORE_BUNDLE },
    { fileURLToPath },
    { join },
  ] = await Promise.all([import('../../bin/cli-file-command.mjs'), import('node:url'), import('node:path')]);
  // This code is a chunk in out/cli.
  const outdir = fileURLToPath(new URL('.', import.meta.url));
  const root = join(outdir, '../..');
  // bin/switchyard.mjs ran this command's chunks only after it found every source of the web
  // command (the core's among them) older than out/cli's build: a core bundle of that very build
  // needs no second look at them.
  const stamp = currentFileCommand(root, outdir, WEB_CORE_BUNDLE, cliBuiltAtMs(outdir));
  if (!stamp) return undefined;
  const loaded = loadFileCommand(join(outdir, FILE_COMMANDS_DIR), WEB_CORE_BUNDLE, stamp);
  if (!loaded) return undefined;
  if (!loaded.cacheAccepted) {
    writeCache = () => {
      writeCache = undefined;
      loaded.writeCache(true);
    };
    process.once('exit', writeWebCoreCache);
  }
  return loaded.exports as WebCore;
}
