// How the `switchyard` command is bundled (scripts/build-cli.mjs builds it; a unit test checks what
// each file command loads).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every package stays external (loaded from node_modules when a command needs it) except `yaml`:
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
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bundled = new Set(['yaml', 'zod', 'ws']);
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((d) => !bundled.has(d))
    .flatMap((d) => [d, `${d}/*`])
    .concat(['bufferutil', 'utf-8-validate']);
  return {
    absWorkingDir: root,
    entryPoints: ['main/cli.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // The bundled CommonJS of `yaml` and `ws` requires Node built-ins (process, buffer, events): give
    // the ES modules a require.
    banner: {
      js: "import { createRequire as __syCreateRequire } from 'node:module'; const require = __syCreateRequire(import.meta.url);",
    },
    splitting: true,
    outdir,
    logLevel: 'warning',
  };
}
