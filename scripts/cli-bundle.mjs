// How the `switchyard` command is bundled (scripts/build-cli.mjs builds it; a unit test checks what
// each file command loads).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every package stays external (loaded from node_modules when a command needs it) except `yaml`:
 * the file commands all read YAML, and its ~80 CommonJS files cost a file command more start-up
 * time than the edit itself; bundled, it is one chunk the file commands load and the rest never do.
 * @param {string} root the repository
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function cliBuildOptions(root, outdir) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bundled = new Set(['yaml']);
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((d) => !bundled.has(d))
    .flatMap((d) => [d, `${d}/*`]);
  return {
    absWorkingDir: root,
    entryPoints: ['main/cli.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // The bundled CommonJS of `yaml` requires Node built-ins (process, buffer): give the ES modules a require.
    banner: {
      js: "import { createRequire as __syCreateRequire } from 'node:module'; const require = __syCreateRequire(import.meta.url);",
    },
    splitting: true,
    outdir,
    logLevel: 'warning',
  };
}
