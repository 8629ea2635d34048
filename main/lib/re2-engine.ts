import { createRequire } from 'node:module';
import type { RE2 } from 're2-wasm';
import { literalRegex, type RegexEngine } from '../../shared/mesh/model/index.ts';

// re2-wasm compiles its WebAssembly when it is loaded (~90 ms of CPU, more on a busy machine):
// it is required at the first pattern checked, not when the app core loads, so `switchyard web`
// answers the first screen's calls without paying for it.
let RE2Class: typeof RE2 | undefined;
function re2(): typeof RE2 {
  RE2Class ??= (createRequire(import.meta.url)('re2-wasm') as typeof import('re2-wasm')).RE2;
  return RE2Class;
}

// The one-file bundles of the file commands (scripts/cli-bundle.mjs) are built with the patterns the
// OS and browser presets compile to that RE2 accepted at build time, by this engine: `switchyard
// match --os android` then checks its patterns without loading re2-wasm (~35 ms). Anywhere else
// (the sources, the app) the list is empty and every pattern goes to RE2.
declare const __SWITCHYARD_RE2_ACCEPTED__: readonly string[] | undefined;
const ACCEPTED_AT_BUILD: readonly string[] =
  typeof __SWITCHYARD_RE2_ACCEPTED__ === 'undefined' ? [] : __SWITCHYARD_RE2_ACCEPTED__;

const MEMO_MAX_ENTRIES = 4096;
const MEMO_MAX_VALUE_LENGTH = 1024;
const PREFIX = /^Invalid regular expression: \/.*\/[a-z]*: /s;

function compile(pattern: string): RE2 {
  const Engine = re2();
  return new Engine(pattern, 'u');
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(PREFIX, '');
}

/**
 * RE2 through re2-wasm (no native build). Compiled patterns are cached: the demo mesh evaluates the
 * same few patterns for every simulated request.
 */
export function createRe2Engine(acceptedAtBuild: readonly string[] = ACCEPTED_AT_BUILD): RegexEngine {
  // A pattern RE2 accepted at build time is not checked again.
  const checks = new Map<string, string | null>(acceptedAtBuild.map((pattern) => [pattern, null]));
  const matchers = new Map<string, (value: string) => boolean>();

  function check(pattern: string): string | null {
    const cached = checks.get(pattern);
    if (cached !== undefined) return cached;
    // Literal text with `.*` around it (literal-regex.ts): valid in RE2, known without loading it.
    if (literalRegex(pattern)) {
      checks.set(pattern, null);
      return null;
    }
    let result: string | null = null;
    try {
      // The raw pattern is compiled on its own first: 'a)|(b' is invalid, yet wrapped in
      // ^(?:…)$ it would compile into something else and escape the anchors.
      compile(pattern);
    } catch (err) {
      result = messageOf(err);
    }
    checks.set(pattern, result);
    return result;
  }

  function fullMatcher(pattern: string): (value: string) => boolean {
    const cached = matchers.get(pattern);
    if (cached) return cached;
    const error = check(pattern);
    if (error !== null) throw new Error(`invalid RE2 regex '${pattern}': ${error}`);
    // \z rather than $: RE2 in this wrapper treats $ as end of text without multiline, but \z says so.
    // Compiled at the first value the literal test cannot judge (or at once, for any other pattern).
    let re: RE2 | undefined;
    const literal = literalRegex(pattern);
    const test = (value: string): boolean => {
      const answer = literal?.(value);
      if (answer !== undefined) return answer;
      re ??= compile(`^(?:${pattern})\\z`);
      return re.test(value);
    };
    if (!literal) re = compile(`^(?:${pattern})\\z`);
    // Each call crosses into WebAssembly; simulated traffic repeats a few user agents and cookies
    // endlessly, so recent answers are remembered (bounded, values of sane length only).
    const memo = new Map<string, boolean>();
    const matcher = (value: string) => {
      const known = memo.get(value);
      if (known !== undefined) return known;
      const result = test(value);
      if (value.length <= MEMO_MAX_VALUE_LENGTH) {
        if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
        memo.set(value, result);
      }
      return result;
    };
    matchers.set(pattern, matcher);
    return matcher;
  }

  return { check, fullMatcher };
}

let shared: RegexEngine | undefined;

/** One engine per process, so its caches are shared by every caller. */
export function re2Engine(): RegexEngine {
  shared ??= createRe2Engine();
  return shared;
}
