/**
 * The regular-expression engine that routing code uses. Istio hands every `regex` to Envoy, which
 * compiles it with Google RE2 and requires the whole value to match, so the engine must be RE2
 * (not the JavaScript engine, which accepts lookahead and backreferences that RE2 rejects).
 * `shared/` stays free of I/O, so the engine is injected: main/core/re2-engine.ts implements it.
 */
export interface RegexEngine {
  /** Null when RE2 accepts the pattern, otherwise RE2's error message (e.g. "invalid perl operator: (?="). */
  check(pattern: string): string | null;
  /**
   * A predicate that is true when the pattern matches the WHOLE value (RE2 FullMatch, as Envoy's
   * safe_regex does): 'a|b' matches 'a' and 'b' only. Throws on an invalid pattern.
   */
  fullMatcher(pattern: string): (value: string) => boolean;
}
