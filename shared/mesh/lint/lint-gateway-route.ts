// Lint checks of one Gateway API HTTPRoute: backendRef weights.

import type { GatewayHTTPRoute } from '../model/index.ts';
import { notAList, notAStringList } from './lint-findings.ts';
import type { RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/** Gateway API: weights are relative; all zero means the rule answers 500. */
export function lintGatewayRoute(route: GatewayHTTPRoute): RawFinding[] {
  const spec = route.spec;
  if (!isRecord(spec))
    return [
      { code: 'SY100', path: 'spec', message: 'has no spec mapping', hint: 'an HTTPRoute needs spec.rules' },
    ];
  const out: RawFinding[] = notAStringList(spec.hostnames, 'spec.hostnames', 'hostnames');
  if (spec.rules === undefined) return out;
  if (!Array.isArray(spec.rules)) return [...out, ...notAList('spec.rules', 'rules')];
  spec.rules.forEach((rule, i) => {
    const refs = isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
    if (refs.length < 2) return;
    const weights = refs.map((r) => (isRecord(r) && typeof r.weight === 'number' ? r.weight : 1));
    if (weights.some((w) => w < 0 || !Number.isInteger(w)))
      out.push({
        code: 'SY103',
        path: `spec.rules[${i}].backendRefs`,
        message: 'a backendRef weight is negative or not a whole number',
        hint: 'weights are whole numbers of 0 or more',
      });
    else if (weights.every((w) => w === 0))
      out.push({
        code: 'SY102',
        path: `spec.rules[${i}].backendRefs`,
        message: 'every backendRef has weight 0: the rule answers 500',
        hint: 'give at least one backend a weight',
      });
  });
  return out;
}
