import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { NOT_DELIVERED } from '../../../shared/metrics/not-delivered.ts';
import type { Labels } from './prometheus-client.ts';

// The PromQL of the metrics view, built in one place. Two queries per refresh cover every version
// of a service at once (requests by response code, and the latency histogram); success rate and
// the p50/p95/p99 quantiles are computed in main from their answers, so four versions cost the
// same two queries as one. See /work/shared/reference/promql for Kiali's and Istio's versions.

/** What the queries select: the destination services of one release. */
export interface MetricsTarget {
  /** `destination_service` values (FQDNs): the release's host, or one per version for host splits. */
  services: string[];
  /** How a result's labels map to one of the release's version names. */
  versionOf(labels: Labels): { version: string; inRelease: boolean };
}

/**
 * Labels every result is grouped by: enough to tell versions apart under either labelling, and
 * who reported it (a caller's report is one no version's proxy received: see requestsQuery).
 */
export const VERSION_LABELS = [
  'reporter',
  'destination_service',
  'destination_version',
  'destination_canonical_revision',
  'destination_workload',
  'destination_workload_namespace',
];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * The series selector. The server side's report, counting each request once (the caller's proxy
 * reports it too, as reporter="source") with the server's own latency: `reporter="destination"`,
 * the callee's sidecar, which Kiali and Istio's service dashboard use for a service's inbound view;
 * or, in an ambient namespace (no sidecars), `reporter="waypoint"`, the waypoint that applies the
 * service's HTTPRoute. A request is reported by one of the two: a sidecar client does not send
 * through the callee's waypoint, and an ambient pod has no sidecar to report it.
 * Gateway API traffic is reported under the backend Service actually reached (one per version).
 */
export const SERVER_REPORTERS = 'destination|waypoint';

export function selector(target: MetricsTarget): string {
  const services = target.services.map(escapeRegex).join('|');
  return `reporter=~"${SERVER_REPORTERS}",destination_service=~"${quote(services)}"`;
}

/**
 * Requests per second by version and response code:
 *   sum by (reporter, destination_service, destination_version, destination_canonical_revision, destination_workload, destination_workload_namespace, response_code)
 *     (rate(istio_requests_total{reporter=~"destination|waypoint",destination_service=~"<hosts>"}[<rate>])
 *      or rate(istio_requests_total{<undeliveredSelector>}[<rate>]))
 * The sum over codes is the request rate; the share of failing codes (0 and 5xx, plus 4xx when the
 * operator asks, as Kiali's switch does) gives the success rate, without a second query.
 */
export function requestsQuery(target: MetricsTarget, rateWindowSeconds: number): string {
  const rate = (sel: string) => `rate(istio_requests_total{${sel}}[${rateWindowSeconds}s])`;
  return `sum by (${VERSION_LABELS.join(', ')}, response_code) (${rate(selector(target))} or ${rate(undeliveredSelector(target))})`;
}

/**
 * Requests to the release's hosts that no workload received: only the caller's proxy reports
 * them (reporter="source"), with destination_workload="unknown". Without them, a route sending
 * 70% of requests to a subset with no pods (all 503) would show its versions 100% healthy.
 */
export function undeliveredSelector(target: MetricsTarget): string {
  const services = target.services.map(escapeRegex).join('|');
  return `reporter="source",destination_workload="unknown",destination_service=~"${quote(services)}"`;
}

/**
 * The latency histogram by version, as bucket rates:
 *   sum by (destination_service, destination_version, destination_canonical_revision, destination_workload, destination_workload_namespace, le)
 *     (rate(istio_request_duration_milliseconds_bucket{…}[<rate>]))
 * histogram_quantile() over this in PromQL would cost one query per quantile; main interpolates
 * p50, p95 and p99 from the same buckets the same way (shared/metrics/latency-quantile.ts).
 */
export function latencyQuery(target: MetricsTarget, rateWindowSeconds: number): string {
  return `sum by (${VERSION_LABELS.join(', ')}, le) (rate(istio_request_duration_milliseconds_bucket{${selector(target)}}[${rateWindowSeconds}s]))`;
}

/** Whether a response code counts as a failure: no response (0) and 5xx; 4xx when asked. */
export function isFailureCode(code: string | undefined, count4xxAsErrors: boolean): boolean {
  if (code === undefined || code === '') return false;
  if (code === '0' || code.startsWith('5')) return true;
  return count4xxAsErrors && code.startsWith('4');
}

const VERSION_LABEL_KEYS = ['version', 'app.kubernetes.io/version', 'service.istio.io/canonical-revision'];

/** The version a workload reports: `destination_version`, else its canonical revision. */
export function reportedVersion(labels: Labels): string {
  const v = labels.destination_version;
  if (v && v !== 'unknown') return v;
  const rev = labels.destination_canonical_revision;
  if (rev && rev !== 'unknown') return rev;
  return 'unknown';
}

/** Each host that carries exactly one of the release's versions, with that version. */
function versionPerHost(release: ServiceRelease): Map<string, string> {
  const out = new Map<string, string>();
  const shared = new Set<string>();
  for (const v of release.versions) {
    if (out.has(v.fqdn)) shared.add(v.fqdn);
    else out.set(v.fqdn, v.name);
  }
  for (const fqdn of shared) out.delete(fqdn);
  return out;
}

/**
 * Each Deployment (`namespace/name`, the workload Istio reports) that belongs to exactly one of the
 * release's versions, with that version: it tells versions apart whatever label their subsets use
 * (track: stable / canary, both labelled version=v1, report the same destination_version).
 */
function versionPerWorkload(release: ServiceRelease): Map<string, string> {
  const out = new Map<string, string>();
  const shared = new Set<string>();
  for (const v of release.versions) {
    const ns = /^[^.]+\.([^.]+)\.svc(\.cluster\.local)?$/.exec(v.fqdn)?.[1];
    if (ns === undefined) continue;
    for (const d of v.deployments) {
      const key = `${ns}/${d}`;
      if (out.has(key) && out.get(key) !== v.name) shared.add(key);
      else out.set(key, v.name);
    }
  }
  for (const key of shared) out.delete(key);
  return out;
}

/** The release's selectors: its hosts, and how reported versions map back to its version names. */
export function targetOf(release: ServiceRelease): MetricsTarget {
  const hosts = [...new Set(release.versions.map((v) => v.fqdn).filter((h) => h !== ''))];
  // A host split (Gateway API, or one Service per version): the destination service is the version,
  // but only for a host that carries one version; two subsets of one host are told apart by label.
  const byHost = hosts.length > 1 ? versionPerHost(release) : undefined;
  const byWorkload = versionPerWorkload(release);
  // Reported versions by name and label value: first within the host reporting them (two hosts
  // may both label a version v1), then across the release.
  const byLabel = new Map<string, string>();
  const onHost = (fqdn: string, value: string) => `${fqdn}\n${value}`;
  for (const v of release.versions) {
    byLabel.set(v.name, v.name);
    if (v.subset !== undefined) byLabel.set(onHost(v.fqdn, v.subset), v.name);
  }
  // The labels the pods report win over names.
  for (const v of release.versions) {
    for (const key of VERSION_LABEL_KEYS) {
      const value = v.labels[key];
      if (value) {
        byLabel.set(value, v.name);
        byLabel.set(onHost(v.fqdn, value), v.name);
      }
    }
  }
  return {
    services:
      hosts.length > 0 ? (hosts.includes(release.host) ? hosts : [release.host, ...hosts]) : [release.host],
    versionOf(labels) {
      if (labels.reporter === 'source') return { version: NOT_DELIVERED, inRelease: false };
      const host = labels.destination_service;
      const fromHost = byHost && host ? byHost.get(host) : undefined;
      if (fromHost) return { version: fromHost, inRelease: true };
      const workload = labels.destination_workload;
      const fromWorkload = workload
        ? byWorkload.get(`${labels.destination_workload_namespace ?? ''}/${workload}`)
        : undefined;
      if (fromWorkload) return { version: fromWorkload, inRelease: true };
      const reported = reportedVersion(labels);
      const known = (host ? byLabel.get(onHost(host, reported)) : undefined) ?? byLabel.get(reported);
      return known ? { version: known, inRelease: true } : { version: reported, inRelease: false };
    },
  };
}
