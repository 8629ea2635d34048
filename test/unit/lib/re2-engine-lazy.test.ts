import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

// In a fresh process: loading the engine (as the app core does) leaves re2-wasm, whose load compiles
// its WebAssembly, unloaded; the first pattern that needs RE2 loads it, and checks as before. A
// literal pattern (literal-regex.ts) needs none.
describe('the RE2 engine loads re2-wasm at its first pattern, not with its module', () => {
  it('has not loaded re2-wasm after import and creation, has after a check', () => {
    const engineUrl = pathToFileURL(resolve(root, 'main/lib/re2-engine.ts')).href;
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(${JSON.stringify(`${root}/`)});
      const path = require.resolve('re2-wasm');
      const { createRe2Engine } = await import(${JSON.stringify(engineUrl)});
      const engine = createRe2Engine();
      const before = path in require.cache;
      // Literal text with .* around it is judged without RE2 (literal-regex.ts).
      const literal = [engine.check('.*Android.*'), engine.fullMatcher('.*Android.*')('Linux; Android 14'), engine.fullMatcher('v1|v2')('v3')];
      const afterLiteral = path in require.cache;
      const newlineValue = engine.fullMatcher('.*Android.*')('Android\\n');
      const afterNewline = path in require.cache;
      const valid = engine.check('a+');
      const invalid = engine.check('a)|(b');
      const matches = engine.fullMatcher('ab+')('abbb');
      console.log(JSON.stringify({ before, literal, afterLiteral, newlineValue, afterNewline, after: path in require.cache, valid, invalid: typeof invalid, matches }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      before: false,
      literal: [null, true, false],
      afterLiteral: false,
      // A newline is left to RE2 (its `.` does not match one), which is loaded for it.
      newlineValue: false,
      afterNewline: true,
      after: true,
      valid: null,
      invalid: 'string',
      matches: true,
    });
  });
});
