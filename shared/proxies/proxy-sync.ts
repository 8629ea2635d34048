// istiod's proxy status (`/debug/syncz` on its monitoring port) read and compared, with no I/O:
// which proxies serve a host, and at how many of them a change is in effect.
//
// The answer is a JSON list with one entry per connected proxy: its id (`pod.namespace`), type
// (`sidecar`, `router` for gateways), and per xDS type the nonce istiod last sent and the nonce the
// proxy last acknowledged (`route_sent`, `route_acked`, …). A nonce is the push version (RFC 3339
// time "/" push counter) followed by a UUID; older istiods send the UUID alone. istioctl
// proxy-status calls a type SYNCED when the acknowledged nonce is the sent one, STALE when not,
// NOT SENT when nothing was sent; this module does the same.

export const XDS_TYPES = ['cluster', 'listener', 'route', 'endpoint'] as const;
export type XdsType = (typeof XDS_TYPES)[number];

/** The xDS types that carry a route change: routes (weights, matches) and clusters (subsets). */
export const CHANGE_TYPES: readonly XdsType[] = ['route', 'cluster'];

export type XdsStatus = 'synced' | 'stale' | 'not-sent';

export interface ProxySync {
  /** As istiod names it: `pod.namespace`. */
  id: string;
  pod: string;
  namespace: string;
  /** `sidecar`, `router` (a gateway) or what istiod says; '' when it does not say. */
  type: string;
  istioVersion?: string;
  xds: Partial<Record<XdsType, { sent?: string; acked?: string }>>;
}

export type SynczParse = { ok: true; proxies: ProxySync[] } | { ok: false; reason: string };

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The entry's field names per xDS type, made once (not per entry: a whole mesh is 50,000 of them). */
const XDS_FIELDS = XDS_TYPES.map((t) => ({ type: t, sent: `${t}_sent`, acked: `${t}_acked` }));

/** One entry of /debug/syncz → its ProxySync, or why it is not one (a reason in words). */
export function parseSynczEntry(raw: unknown): ProxySync | string {
  if (typeof raw !== 'object' || raw === null) return 'an entry of the answer is not an object';
  const e = raw as Record<string, unknown>;
  const id = text(e.proxy);
  if (!id) return 'an entry of the answer names no proxy';
  const dot = id.lastIndexOf('.');
  const xds: ProxySync['xds'] = {};
  for (const f of XDS_FIELDS) {
    const sent = text(e[f.sent]);
    const acked = text(e[f.acked]);
    if (sent && acked) xds[f.type] = { sent, acked };
    else if (sent) xds[f.type] = { sent };
    else if (acked) xds[f.type] = { acked };
  }
  const pod = dot > 0 ? id.slice(0, dot) : id;
  const namespace = dot > 0 ? id.slice(dot + 1) : '';
  const type = text(e.proxy_type) ?? '';
  const istioVersion = text(e.istio_version);
  return istioVersion ? { id, pod, namespace, type, istioVersion, xds } : { id, pod, namespace, type, xds };
}

/** istiod's /debug/syncz body → one ProxySync per proxy, or why it is not that shape. */
export function parseSyncz(body: unknown): SynczParse {
  if (!Array.isArray(body)) return { ok: false, reason: NOT_A_LIST };
  const proxies: ProxySync[] = [];
  for (const raw of body) {
    const p = parseSynczEntry(raw);
    if (typeof p === 'string') return { ok: false, reason: p };
    proxies.push(p);
  }
  return { ok: true, proxies };
}

/** Why a body is not istiod's proxy status at all. */
export const NOT_A_LIST = 'the answer is not a list of proxy sync statuses';

const UUID_TAIL = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The push version a nonce carries ("2026-12-05T08:00:01Z/7"), or '' when it is a bare UUID. */
export function pushVersionOf(nonce: string): string {
  return UUID_TAIL.test(nonce) ? nonce.slice(0, -36) : nonce;
}

/** As istioctl proxy-status says it for one xDS type. */
export function xdsStatus(sent: string | undefined, acked: string | undefined): XdsStatus {
  if (!sent) return 'not-sent';
  return sent === acked ? 'synced' : 'stale';
}

/** A gateway: istiod says `router`; an istiod that does not say the type is judged by the pod name. */
export function isGateway(p: ProxySync): boolean {
  return p.type === 'router' || (p.type === '' && /gateway/.test(p.pod));
}

/**
 * The proxies counted for a host in `namespace`: the sidecars of that namespace (the host's own
 * pods and its callers there) and every gateway. Sidecars elsewhere get the route too, but are
 * not counted: they rarely call the host, and counting the whole mesh would hide the ones that do.
 */
export function proxiesServing(proxies: readonly ProxySync[], namespace: string): ProxySync[] {
  return proxies.filter((p) => isGateway(p) || (p.type !== 'router' && p.namespace === namespace));
}

/** The sent nonces of the change-carrying types when a change was made: what a proxy had then. */
export type SyncBaseline = ReadonlyMap<string, Partial<Record<XdsType, string>>>;

export function baselineOf(proxies: readonly ProxySync[]): Map<string, Partial<Record<XdsType, string>>> {
  const out = new Map<string, Partial<Record<XdsType, string>>>();
  for (const p of proxies) {
    const sent: Partial<Record<XdsType, string>> = {};
    for (const t of CHANGE_TYPES) {
      const s = p.xds[t]?.sent;
      if (s) sent[t] = s;
    }
    out.set(p.id, sent);
  }
  return out;
}

export interface StaleProxy {
  id: string;
  /** `sidecar` or `gateway`. */
  kind: 'sidecar' | 'gateway';
  /** In words: which type waits for what. */
  why: string;
}

export interface ProxyCount {
  inEffect: number;
  total: number;
  stale: StaleProxy[];
}

/**
 * At how many proxies a change is in effect. A proxy has it when, for routes and clusters, it
 * acknowledged the nonce istiod sent (SYNCED) and that nonce is not the one it had been sent
 * before the change (so the push came after the change). Without a baseline: at how many proxies
 * the latest configuration is in effect. A proxy that connected after the baseline was sent its
 * configuration then, which has the change. When the baseline was read for some namespaces only
 * (`covered`), a proxy of another namespace is absent from it for that reason alone, not for having
 * connected since: it is never counted as having the change.
 */
export function countInEffect(
  proxies: readonly ProxySync[],
  baseline?: SyncBaseline,
  covered?: ReadonlySet<string>,
): ProxyCount {
  const stale: StaleProxy[] = [];
  for (const p of proxies) {
    const why =
      baseline && covered && !covered.has(p.namespace)
        ? `not compared: the proxy status read before the change did not cover namespace ${p.namespace}`
        : waitingFor(p, baseline?.get(p.id));
    if (why) stale.push({ id: p.id, kind: isGateway(p) ? 'gateway' : 'sidecar', why });
  }
  return { inEffect: proxies.length - stale.length, total: proxies.length, stale };
}

function waitingFor(p: ProxySync, before: Partial<Record<XdsType, string>> | undefined): string | undefined {
  const reasons: string[] = [];
  for (const t of CHANGE_TYPES) {
    const { sent, acked } = p.xds[t] ?? {};
    const status = xdsStatus(sent, acked);
    if (status === 'not-sent') reasons.push(`no ${t} configuration sent`);
    else if (status === 'stale')
      reasons.push(
        acked ? `${t} push ${pushVersionOf(sent ?? '')} not acknowledged` : `${t} never acknowledged`,
      );
    else if (before?.[t] !== undefined && before[t] === sent) reasons.push(`no ${t} push since the change`);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
