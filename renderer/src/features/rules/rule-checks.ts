import { useEffect, useMemo, useState } from 'react';
import {
  firstProblem,
  type RegexVerdict,
  type RuleProblems,
  regexPatterns,
  ruleProblems,
  verdictPending,
} from '../../../../shared/mesh/policy/index.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { RuleEdit } from '../../stores/release-store.ts';
import { timeoutProblem } from './rule-settings.tsx';

// The problems of the rules being edited, for the fields and the live preview. RE2 lives in main:
// patterns are asked about through `rules.check` a moment after the last keystroke, each distinct
// pattern once per client (verdicts never change), so typing does not hammer main.

export const CHECK_DEBOUNCE_MS = 200;

export interface RuleChecks {
  /** By rule key. */
  byRule: Record<string, RuleProblems>;
  /** "Rule 2: …" for the first rule with a problem (numbers as on screen), or undefined. */
  firstBroken?: string;
  /** Some pattern still waits for RE2's verdict. */
  pending: boolean;
}

const verdicts = new WeakMap<ApiClient, Map<string, string | null>>();
const cacheOf = (api: ApiClient) => {
  let cache = verdicts.get(api);
  if (!cache) {
    cache = new Map();
    verdicts.set(api, cache);
  }
  return cache;
};

/** The problems of every rule, from a verdict lookup (pure: also used where no API is at hand). */
export function checkRules(rules: readonly RuleEdit[], versions: readonly string[], verdict: RegexVerdict) {
  const byRule: Record<string, RuleProblems> = {};
  let firstBroken: string | undefined;
  rules.forEach((r, i) => {
    const p = ruleProblems(r, versions, verdict);
    byRule[r.key] = p;
    const timeout = timeoutProblem(r.timeout);
    const first = firstProblem(p) ?? (timeout ? `Timeout: ${timeout}` : undefined);
    if (first && firstBroken === undefined) firstBroken = `Rule ${i + 1}: ${first}`;
  });
  return { byRule, ...(firstBroken ? { firstBroken } : {}), pending: verdictPending(rules, verdict) };
}

/** Checks the rules as they are typed; `api` undefined checks everything but RE2 syntax. */
export function useRuleChecks(
  api: ApiClient | undefined,
  rules: readonly RuleEdit[],
  versions: readonly string[],
): RuleChecks {
  // A copy of the client's verdicts, replaced when new ones arrive (so the memos below re-run).
  const [known, setKnown] = useState<ReadonlyMap<string, string | null>>(() =>
    api ? new Map(cacheOf(api)) : new Map(),
  );
  const unknownKey = useMemo(
    () => (api ? regexPatterns(rules).filter((p) => !known.has(p)) : []).join('\u0000'),
    [api, rules, known],
  );

  useEffect(() => {
    if (!api || unknownKey === '') return;
    const cache = cacheOf(api);
    const patterns = unknownKey.split('\u0000').filter((p) => !cache.has(p));
    if (patterns.length === 0) {
      // Another editor of this client asked already.
      setKnown(new Map(cache));
      return;
    }
    let stale = false;
    const timer = setTimeout(async () => {
      const result = await api.call('rules.check', { patterns });
      // Without an answer (an older main, a dropped socket) a pattern is taken as valid: the
      // preview and the review still check it and say so.
      for (const p of patterns) {
        const found = result.ok ? result.value.results.find((r) => r.pattern === p) : undefined;
        cache.set(p, found ? found.error : null);
      }
      if (!stale) setKnown(new Map(cache));
    }, CHECK_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, unknownKey]);

  return useMemo(() => {
    const verdict: RegexVerdict = api ? (p) => known.get(p) : () => null;
    return checkRules(rules, versions, verdict);
  }, [api, rules, versions, known]);
}
