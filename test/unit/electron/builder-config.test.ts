import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/shared-reference.ts';

// What electron-builder is told; test/integration/package checks what it actually produces.
const config = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as {
  electronFuses?: Record<string, boolean>;
  files?: string[];
  npmRebuild?: boolean;
};

describe('electron-builder.yml', () => {
  it('sets every fuse of the Electron security checklist', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the build output only, without source maps, TypeScript or tests', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        'out/**',
        'package.json',
        '!**/*.map',
        '!**/*.{ts,mts,cts,tsx}',
        '!**/*.{test,spec}.{js,mjs,cjs}',
      ]),
    );
    expect(config.files?.filter((f) => !f.startsWith('!'))).toEqual(['out/**', 'package.json']);
  });
});
