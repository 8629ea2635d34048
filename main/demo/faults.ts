// Fault knobs for tests: latency, error answers (5xx, 429 with Retry-After) on a share of API
// requests or on exactly the next matching ones, connections closed mid-request, watches dropped,
// and in the mesh: proxies that stay stale (acknowledge no further push from istiod) and istiod's
// debug endpoints switched off.

/** Which API requests a fault applies to; every field left out matches anything. */
export interface FaultFilter {
  verb?: string | string[];
  resource?: string | string[];
  namespace?: string;
  name?: string;
}

export interface FaultSettings {
  /** Added to every matching API request before it is answered. */
  latencyMs: number;
  /** Share (0..1) of matching requests answered with `errorCode` instead. */
  errorRate: number;
  errorCode: number;
  /** Sent as Retry-After (and in the Status) with 429 and 503 answers. */
  retryAfterSeconds: number;
  /** Share (0..1) of matching requests whose connection the server destroys without answering. */
  closeRate: number;
  filter: FaultFilter;
  /**
   * Proxies that acknowledge no further configuration push from the demo istiod: proxy ids
   * (`pod.namespace`) or their leading part, e.g. 'reviews-v2' or 'istio-ingressgateway'.
   */
  staleProxies: string[];
  /** istiod's debug endpoints (`/debug/syncz`) answer 404, as with ENABLE_DEBUG_ON_HTTP=false. */
  proxyStatusHidden: boolean;
}

export interface FailNextRule extends FaultFilter {
  code?: number;
  count?: number;
  retryAfterSeconds?: number;
  message?: string;
}

export interface RequestFacts {
  verb: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export type FaultDecision =
  | { kind: 'pass'; latencyMs: number }
  | { kind: 'fail'; latencyMs: number; code: number; retryAfterSeconds?: number; message?: string }
  | { kind: 'close'; latencyMs: number };

const defaults: FaultSettings = {
  latencyMs: 0,
  errorRate: 0,
  errorCode: 500,
  retryAfterSeconds: 1,
  closeRate: 0,
  filter: {},
  staleProxies: [],
  proxyStatusHidden: false,
};

function listOf(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export function matchesFilter(filter: FaultFilter, facts: RequestFacts): boolean {
  const verbs = listOf(filter.verb)?.map((v) => v.toLowerCase());
  const resources = listOf(filter.resource)?.map((r) => r.toLowerCase());
  if (verbs && !verbs.includes(facts.verb)) return false;
  if (resources && !resources.includes(facts.resource)) return false;
  if (filter.namespace !== undefined && filter.namespace !== facts.namespace) return false;
  if (filter.name !== undefined && filter.name !== facts.name) return false;
  return true;
}

function checkShare(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) {
    throw new Error(`faults: ${name} must be a number from 0 to 1, not ${JSON.stringify(v)}`);
  }
}

function checkCode(v: unknown, field: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 400 || v > 599)) {
    throw new Error(
      `faults: ${field} must be an HTTP error status from 400 to 599, not ${JSON.stringify(v)}`,
    );
  }
}

export class DemoFaults {
  private settings: FaultSettings = { ...defaults };
  private pending: Array<Required<Pick<FailNextRule, 'count'>> & FailNextRule & { close?: boolean }> = [];
  // Deterministic shares: a request fails whenever the running total crosses a whole number.
  private errorCredit = 0;
  private closeCredit = 0;
  private readonly watchDroppers = new Set<() => void>();

  current(): FaultSettings {
    return {
      ...this.settings,
      filter: { ...this.settings.filter },
      staleProxies: [...this.settings.staleProxies],
    };
  }

  set(partial: Partial<FaultSettings>): void {
    checkShare('errorRate', partial.errorRate);
    checkShare('closeRate', partial.closeRate);
    checkCode(partial.errorCode, 'errorCode');
    if (
      partial.latencyMs !== undefined &&
      !(typeof partial.latencyMs === 'number' && partial.latencyMs >= 0)
    ) {
      throw new Error(
        `faults: latencyMs must be a number of milliseconds >= 0, not ${JSON.stringify(partial.latencyMs)}`,
      );
    }
    const stale = partial.staleProxies;
    if (
      stale !== undefined &&
      !(Array.isArray(stale) && stale.every((p) => typeof p === 'string' && p !== ''))
    )
      throw new Error(
        `faults: staleProxies must be a list of proxy ids or id prefixes, not ${JSON.stringify(stale)}`,
      );
    if (partial.proxyStatusHidden !== undefined && typeof partial.proxyStatusHidden !== 'boolean')
      throw new Error(
        `faults: proxyStatusHidden must be true or false, not ${JSON.stringify(partial.proxyStatusHidden)}`,
      );
    this.settings = {
      ...this.settings,
      ...partial,
      filter: partial.filter ?? this.settings.filter,
      staleProxies: stale ? [...stale] : this.settings.staleProxies,
    };
  }

  reset(): void {
    this.settings = { ...defaults };
    this.pending = [];
    this.errorCredit = 0;
    this.closeCredit = 0;
  }

  /** Fails the next `count` (default 1) matching requests with `code` (default 500). */
  failNext(rule: FailNextRule): void {
    checkCode(rule.code, 'code');
    this.pending.push({ ...rule, count: rule.count ?? 1 });
  }

  /** Destroys the connection of the next `count` matching requests without an answer. */
  closeNext(rule: FaultFilter & { count?: number }): void {
    this.pending.push({ ...rule, count: rule.count ?? 1, close: true });
  }

  /** Ends every open watch connection now, the way a restarting API server or a proxy timeout would. */
  dropWatches(): void {
    for (const drop of [...this.watchDroppers]) drop();
  }

  /** The server registers each open watch here; returns the unregister function. */
  onDropWatches(drop: () => void): () => void {
    this.watchDroppers.add(drop);
    return () => this.watchDroppers.delete(drop);
  }

  /** The proxies the demo istiod keeps stale (see `staleProxies`). */
  staleProxies(): readonly string[] {
    return this.settings.staleProxies;
  }

  /** Whether the demo istiod hides its debug endpoints (see `proxyStatusHidden`). */
  debugHidden(): boolean {
    return this.settings.proxyStatusHidden;
  }

  decide(facts: RequestFacts): FaultDecision {
    const s = this.settings;
    const latencyMs = matchesFilter(s.filter, facts) ? s.latencyMs : 0;
    const i = this.pending.findIndex((r) => matchesFilter(r, facts));
    const rule = this.pending[i];
    if (rule) {
      rule.count--;
      if (rule.count <= 0) this.pending.splice(i, 1);
      if (rule.close) return { kind: 'close', latencyMs };
      const code = rule.code ?? 500;
      const d: FaultDecision = { kind: 'fail', latencyMs, code };
      if (rule.message) d.message = rule.message;
      if (code === 429 || code === 503) d.retryAfterSeconds = rule.retryAfterSeconds ?? s.retryAfterSeconds;
      return d;
    }
    if (!matchesFilter(s.filter, facts)) return { kind: 'pass', latencyMs };
    if (s.closeRate > 0) {
      this.closeCredit += s.closeRate;
      if (this.closeCredit >= 1) {
        this.closeCredit -= 1;
        return { kind: 'close', latencyMs };
      }
    }
    if (s.errorRate > 0) {
      this.errorCredit += s.errorRate;
      if (this.errorCredit >= 1) {
        this.errorCredit -= 1;
        const d: FaultDecision = { kind: 'fail', latencyMs, code: s.errorCode };
        if (s.errorCode === 429 || s.errorCode === 503) d.retryAfterSeconds = s.retryAfterSeconds;
        return d;
      }
    }
    return { kind: 'pass', latencyMs };
  }
}
