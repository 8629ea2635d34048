import type { MetricsSnapshot } from '../../../../shared/api/metrics-schemas.ts';

// Before all traffic moves to a version, say so when the live comparison judges it worse than the
// version it is compared with: what is worse, with the figures, so the operator confirms knowingly.

export interface WorseWarning {
  version: string;
  /** One sentence per worse metric: "success rate 97.9% against 99.9% on v1". */
  findings: string[];
  summary: string;
}

/** The warning for moving all traffic to `version`, or undefined when nothing judges it worse. */
export function worseWarning(
  snapshot: MetricsSnapshot | undefined,
  version: string,
): WorseWarning | undefined {
  if (!snapshot) return undefined;
  const verdict = snapshot.verdicts.find((v) => v.canary === version && v.status === 'worse');
  if (!verdict) return undefined;
  return {
    version,
    findings: verdict.findings.filter((f) => f.worse).map((f) => f.text),
    summary: verdict.summary,
  };
}
