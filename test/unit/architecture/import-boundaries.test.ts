import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findImportViolations, MAIN_FOLDER_RULES, MESH_STAGES } from '../../helpers/import-boundaries.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const fixtures = join(repoRoot, 'test/fixtures/import-boundaries/violations');

describe('the layering of ARCHITECTURE.md', () => {
  it('holds for the whole repository', () => {
    const violations = findImportViolations(repoRoot).filter((v) => !v.file.startsWith('test'));
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it('catches shared/ importing Node built-ins, React, Electron and main/', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('shared/api'));
    expect(found.map((v) => v.specifier).sort()).toEqual(
      ['../../main/core/thing.ts', 'electron', 'node:fs', 'path', 'react'].sort(),
    );
    expect(found.find((v) => v.specifier === 'node:fs')).toMatchObject({
      line: 1,
      rule: 'shared/ may not import Node built-ins',
    });
  });

  it('keeps shared/rollout (release plans) pure: no Node, only shared/mesh/model and shared/metrics', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('shared/rollout'));
    expect(found.map((v) => `${v.line}:${v.rule}`)).toEqual([
      '1:shared/ may not import Node built-ins',
      '2:shared/rollout may import only shared/mesh/model and shared/metrics of shared/',
      '3:shared/rollout may import only shared/mesh/model and shared/metrics of shared/',
    ]);
  });

  it('keeps shared/fleet (one service across clusters) pure: no Node, only shared/mesh/model', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('shared/fleet'));
    expect(found.map((v) => `${v.line}:${v.rule}`)).toEqual([
      '1:shared/ may not import Node built-ins',
      '2:shared/fleet may import only shared/mesh/model of shared/',
      '3:shared/fleet may import only shared/mesh/model of shared/',
    ]);
  });

  it('catches renderer/ importing main/, statically and dynamically', () => {
    const found = findImportViolations(fixtures).filter((v) => v.file.startsWith('renderer'));
    expect(found.map((v) => v.rule)).toEqual([
      'renderer/ may not import main/',
      'renderer/ may not import main/',
    ]);
  });

  it('lets only main/electron import Electron', () => {
    const found = findImportViolations(fixtures).filter((v) => v.rule.startsWith('only main/electron'));
    expect(found.map((v) => `${v.file}:${v.specifier}`)).toEqual([
      'main/core/bad.ts:electron',
      'main/core/bad.ts:../electron/ipc-wiring.ts',
    ]);
  });

  it('catches the core importing the demo mesh, statically and dynamically, and passes without it', () => {
    const all = findImportViolations(fixtures);
    const fromCore = all.filter((v) => v.file === 'main/core/imports-demo.ts');
    expect(fromCore.map((v) => `${v.line}:${v.specifier}:${v.rule}`)).toEqual([
      '2:../demo/demo-mesh.ts:main/core may not import main/demo',
      '3:../demo/sim/request-population.ts:main/core may not import main/demo',
    ]);
    // The same folder without that file breaks no rule of main/ (bad.ts only breaks the Electron ones).
    const rest = all.filter((v) => v.file.startsWith('main/core') && v.file !== 'main/core/imports-demo.ts');
    expect(rest.filter((v) => v.rule.includes('main/demo'))).toEqual([]);
  });

  it('catches the demo importing the core, lib/ importing the app, and browser mode importing the demo', () => {
    const found = findImportViolations(fixtures)
      .filter((v) => /^main\/(demo|lib|server)\//.test(v.file))
      .map((v) => `${v.file}:${v.rule}`);
    expect(found.sort()).toEqual(
      [
        'main/demo/imports-core.ts:main/demo may not import main/core',
        'main/lib/imports-core.ts:main/lib may not import main/core',
        'main/server/imports-demo.ts:main/server may not import main/demo',
      ].sort(),
    );
  });

  it('keeps the stages of shared/mesh in order, each imported through its index.ts', () => {
    const found = findImportViolations(fixtures)
      .filter((v) => v.file.startsWith('shared/mesh'))
      .map((v) => `${v.line}:${v.rule}`);
    expect(found).toEqual([
      '2:shared/mesh/read may not import a later stage (shared/mesh/plan)',
      '3:shared/mesh/plan is imported through its index.ts from outside it',
      '3:shared/mesh/read may not import a later stage (shared/mesh/plan)',
    ]);
    const stages = readdirSync(join(repoRoot, 'shared/mesh'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect([...MESH_STAGES].sort()).toEqual(stages.sort());
  });

  it('has a rule for every folder of main/', () => {
    const folders = readdirSync(join(repoRoot, 'main'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(Object.keys(MAIN_FOLDER_RULES).sort()).toEqual(folders);
    expect(MAIN_FOLDER_RULES.core).toEqual(expect.arrayContaining(['demo', 'server', 'electron']));
    expect(MAIN_FOLDER_RULES.demo).toEqual(expect.arrayContaining(['core']));
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
