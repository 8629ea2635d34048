// Lint checks of one DestinationRule: its host, unnamed and duplicate subsets (SY113), and subsets
// whose labels select no known pod (SY112).

import type { DestinationRule } from '../model/index.ts';
import { canonicalHost } from '../model/index.ts';
import { notAList } from './lint-findings.ts';
import type { LintContext, RawFinding } from './lint-types.ts';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

export function lintDestinationRule(dr: DestinationRule, context: LintContext): RawFinding[] {
  const spec = dr.spec;
  if (!isRecord(spec))
    return [
      {
        code: 'SY100',
        path: 'spec',
        message: 'has no spec mapping',
        hint: 'a DestinationRule needs spec.host',
      },
    ];
  if (typeof spec.host !== 'string')
    return [
      {
        code: 'SY100',
        path: 'spec.host',
        message: 'spec.host is missing or not a string',
        hint: 'name the service host',
      },
    ];
  const subsets = spec.subsets;
  if (subsets === undefined) return [];
  if (!Array.isArray(subsets)) return notAList('spec.subsets', 'subsets');
  const out: RawFinding[] = [];
  const seen = new Map<string, number>();
  // The host's namespace only matters when pods are known.
  const hostNs = context.pods ? canonicalHost(spec.host, dr.metadata?.namespace).split('.')[1] : undefined;
  subsets.forEach((s, i) => {
    if (!isRecord(s) || typeof s.name !== 'string') {
      out.push({
        code: 'SY100',
        path: `spec.subsets[${i}]`,
        message: 'subset has no name',
        hint: 'every subset needs a name',
      });
      return;
    }
    const first = seen.get(s.name);
    if (first !== undefined)
      out.push({
        code: 'SY113',
        path: `spec.subsets[${i}].name`,
        message: `subset '${s.name}' is defined twice (first at spec.subsets[${first}])`,
        hint: 'remove or rename one of them',
      });
    else seen.set(s.name, i);
    const labels = isRecord(s.labels) ? (s.labels as Record<string, unknown>) : {};
    if (context.pods && Object.keys(labels).length > 0) {
      const selects = context.pods.some(
        (p) =>
          (p.namespace === undefined || hostNs === undefined || p.namespace === hostNs) &&
          Object.entries(labels).every(([k, v]) => p.labels[k] === v),
      );
      if (!selects)
        out.push({
          code: 'SY112',
          path: `spec.subsets[${i}].labels`,
          message: `subset '${s.name}' selects no pods (labels ${Object.entries(labels)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')})`,
          hint: 'deploy the version first, or fix the labels; traffic routed here gets 503 no_healthy_upstream',
        });
    }
  });
  return out;
}
