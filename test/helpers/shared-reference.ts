import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `../shared/reference` beside the clone: CI always has it, a fresh clone elsewhere does not.
 * Tests that read it use `describe.skipIf(!sharedReference.present)` and say why in the name.
 */
const referenceDir = process.env.SWITCHYARD_SHARED_REFERENCE ?? join(repoRoot, '..', 'shared', 'reference');

export const sharedReference = {
  present: existsSync(referenceDir),
  dir: referenceDir,
  path: (...parts: string[]) => join(referenceDir, ...parts),
  skipReason: `../shared/reference not found at ${referenceDir}; skipping tests that read the shared reference data`,
};
