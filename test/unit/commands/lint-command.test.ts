import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli.ts';
import { recordingIO } from '../../helpers/capture-io.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const captureIO = () => recordingIO(repoRoot);

describe('switchyard lint', () => {
  it('prints one line per finding with file, document, object, field and code, and exits 1 on errors', async () => {
    const io = captureIO();
    expect(await main(['lint', '-f', 'test/fixtures/lint/problems.yaml'], io)).toBe(1);
    expect(io.out()).toContain(
      "test/fixtures/lint/problems.yaml:doc#1 VirtualService bookinfo/reviews spec.http[1].route[0].destination.subset: [SY110] error: routes to subset 'v3'",
    );
    expect(io.out()).toContain('3 error(s), 7 warning(s), 1 info');
  });
  it('exits 0 on a clean file', async () => {
    const io = captureIO();
    expect(await main(['lint', '-f', 'test/fixtures/lint/clean.yaml'], io)).toBe(0);
  });
  it('prints JSON findings that keep file and document', async () => {
    const io = captureIO();
    await main(['lint', '-f', 'test/fixtures/lint/problems.yaml', '--json'], io);
    const findings = JSON.parse(io.out());
    expect(findings[0]).toMatchObject({
      file: 'test/fixtures/lint/problems.yaml',
      document: 1,
      code: 'SY160',
    });
  });
  it('reports a YAML syntax error with file and line', async () => {
    const io = captureIO();
    expect(await main(['lint', '-f', 'test/fixtures/preview/malformed.yaml'], io)).toBe(1);
    expect(io.err()).toMatch(
      /^switchyard lint: test\/fixtures\/preview\/malformed\.yaml:\d+: YAML syntax error in document #1/,
    );
  });
  it('says a document nested too deeply is, instead of the engine’s stack overflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lint-deep-'));
    const file = join(dir, 'deep.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: VirtualService\nspec: {hosts: ${'['.repeat(5000)}${']'.repeat(5000)}}\n`,
    );
    const io = captureIO();
    expect(await main(['lint', '-f', file], io)).toBe(1);
    expect(io.err()).toBe(
      `switchyard lint: ${file}:3: YAML syntax error in document #1: the document nests lists or mappings too deeply to be read (hundreds of levels or more; Kubernetes objects need a few dozen)\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
  it('reports a missing file in one line', async () => {
    const io = captureIO();
    expect(await main(['lint', '-f', 'nope.yaml'], io)).toBe(1);
    expect(io.err()).toBe('switchyard lint: nope.yaml: cannot read file (ENOENT)\n');
  });
  it('asks for a file', async () => {
    const io = captureIO();
    expect(await main(['lint'], io)).toBe(2);
  });
});
