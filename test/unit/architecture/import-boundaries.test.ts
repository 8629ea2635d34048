import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findImportViolations } from '../../helpers/import-boundaries.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const fixtures = join(repoRoot, 'test/fixtures/import-boundaries/violations');

describe('the layering of ARCHITECTURE.md', () => {
  it('holds for the whole repository', () => {
    const violations = findImportViolations(repoRoot).filter((v) => !v.file.startsWith('test'));
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it('catches shared/ importing Node built-ins, React, Electron and main/', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('shared'));
    expect(found.map((v) => v.specifier).sort()).toEqual(
      ['../../main/core/thing.ts', 'electron', 'node:fs', 'path', 'react'].sort(),
    );
    expect(found.find((v) => v.specifier === 'node:fs')).toMatchObject({
      line: 1,
      rule: 'shared/ may not import Node built-ins',
    });
  });

  it('catches renderer/ importing main/, statically and dynamically', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('renderer'));
    expect(found.map((v) => v.rule)).toEqual([
      'renderer/ may not import main/',
      'renderer/ may not import main/',
    ]);
  });

  it('lets only main/electron import Electron', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('main'));
    expect(found.map((v) => `${v.file}:${v.specifier}`)).toEqual([
      'main/core/bad.ts:electron',
      'main/core/bad.ts:../electron/ipc-wiring.ts',
    ]);
  });

  it('rejects DOM and Node globals in shared/ through its compiler settings (lib ES2023, no types)', () => {
    const shared = ts.readConfigFile(join(repoRoot, 'shared/tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(shared.config, ts.sys, join(repoRoot, 'shared'));
    const program = ts.createProgram([join(fixtures, 'shared/api/uses-dom.ts')], {
      ...parsed.options,
      noEmit: true,
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Cannot find name 'document'"),
        expect.stringContaining("Cannot find name 'window'"),
        expect.stringContaining("Cannot find name 'process'"),
      ]),
    );
  });
});
