// Istio's fault injection abort (`http[].fault.abort`): the caller's proxy answers a share of the
// rule's requests itself, with the given HTTP status, before any destination is picked (Envoy's
// fault filter runs ahead of the router; its response flag is FI). Those requests reach no
// version, so a preview or a simulated mesh that ignored it showed them served.
// Only `httpStatus` is modelled: a `grpcStatus` or `http2Error` abort is left to the route.

export interface FaultAbort {
  status: number;
  /** The share of the rule's requests aborted, 0-100. */
  percent: number;
}

/** The rule's abort, or undefined when it has none (or one with no HTTP status). */
export function faultAbortOf(route: Readonly<Record<string, unknown>>): FaultAbort | undefined {
  const abort = (route.fault as { abort?: unknown } | undefined)?.abort;
  if (typeof abort !== 'object' || abort === null) return undefined;
  const a = abort as { httpStatus?: unknown; percentage?: { value?: unknown } };
  if (typeof a.httpStatus !== 'number') return undefined;
  // No percentage: every request is aborted (Istio's default for an abort).
  const value = a.percentage === undefined ? 100 : a.percentage?.value;
  const percent = typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
  return { status: a.httpStatus, percent };
}

/**
 * Whether the request drawn with `random` (uniform in [0, 1)) is aborted. The draw is decorrelated
 * from the one that picks the destination (the same `random`), so a 10% abort takes a tenth of each
 * destination's requests rather than all of one destination's.
 */
export function isAborted(abort: FaultAbort, random: number): boolean {
  const draw = (random * 7919 + 0.5) % 1;
  return draw * 100 < abort.percent;
}
