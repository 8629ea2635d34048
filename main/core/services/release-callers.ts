// Who calls a service and whom it calls, read from the mesh's request metrics; and the same content
// rule planned on the services downstream, so a request stays on one version along its whole path.

import type { PlanView } from '../../../shared/api/console-schemas.ts';
import type { CallRequest, CallResponse } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ContentRule, ServiceRelease } from '../../../shared/mesh/model/index.ts';
import type { PlanStep } from '../../../shared/mesh/plan/index.ts';
import { addContentRule, planRelease } from '../../../shared/mesh/plan/index.ts';
import {
  type CalleeRelease,
  describeCallers,
  downstreamMatches,
  downstreamOffers,
  headersRead,
  judgeCallers,
} from '../../../shared/metrics/call-graph.ts';
import { selector, targetOf } from '../metrics/istio-metrics-queries.ts';
import type { InstantSample } from '../metrics/prometheus-client.ts';
import { serviceNameOf } from '../views/release-views.ts';
import type { ConsoleServices } from './console-services.ts';
import { refuseReadOnly } from './console-services.ts';

export const CALLERS_WINDOW_SECONDS = 300;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** The PromQL of both directions: callers of the release's hosts, and hosts its workloads call. */
export function callGraphQueries(release: ServiceRelease, windowSeconds: number): [string, string] {
  const callers = `sum by (source_workload, source_workload_namespace) (rate(istio_requests_total{${selector(targetOf(release))}}[${windowSeconds}s]))`;
  // The service's own workloads: its versions' Deployments (Istio names a workload by its Deployment),
  // else its canonical service, the first label of the host its versions run behind.
  const workloads = [...new Set(release.versions.flatMap((v) => v.deployments))];
  const mine = workloads.length
    ? `source_workload=~"${quote(workloads.map(escapeRegex).join('|'))}"`
    : `source_canonical_service="${quote(serviceNameOf(release.versions[0]?.fqdn || release.host))}"`;
  const self = `reporter="source",source_workload_namespace="${quote(release.namespace)}",${mine}`;
  const callees = `sum by (destination_service) (rate(istio_requests_total{${self}}[${windowSeconds}s]))`;
  return [callers, callees];
}

function calleeReleases(all: readonly ServiceRelease[]): CalleeRelease[] {
  // A host routed by a mesh route and by a gateway route: the mesh route is the one callers meet.
  const ordered = [...all].sort(
    (a, b) => Number(a.route.kind !== 'VirtualService') - Number(b.route.kind !== 'VirtualService'),
  );
  return ordered.map((r) => ({
    releaseId: r.id,
    host: r.host,
    versions: r.versions.filter((v) => v.declared).map((v) => v.name),
    editable: r.editable,
  }));
}

export async function releaseCallers(
  s: ConsoleServices,
  { contextId, releaseId, windowSeconds }: CallRequest<'release.callers'>,
): Promise<CallResponse<'release.callers'>> {
  const session = await s.ready(contextId);
  const release = s.releaseOf(session, releaseId);
  const prometheus = await s.prometheus(contextId);
  if ('none' in prometheus)
    return { known: false, reason: `no Prometheus to read the callers from: ${prometheus.none}` };
  const w = windowSeconds ?? CALLERS_WINDOW_SECONDS;
  let callers: InstantSample[];
  let callees: InstantSample[];
  try {
    const [callersQuery, calleesQuery] = callGraphQueries(release, w);
    [callers, callees] = await Promise.all([
      prometheus.instant(callersQuery),
      prometheus.instant(calleesQuery),
    ]);
  } catch (err) {
    return { known: false, reason: `Prometheus did not answer the callers query: ${(err as Error).message}` };
  }
  const verdict = judgeCallers(
    callers.map((c) => ({
      workload: c.metric.source_workload ?? 'unknown',
      namespace: c.metric.source_workload_namespace ?? 'unknown',
      rps: c.value,
    })),
  );
  const headers = headersRead(release.rules);
  const downstream = downstreamOffers(
    [...new Set(release.rules.map((r) => r.version))],
    callees.map((c) => ({ host: c.metric.destination_service ?? 'unknown', rps: c.value })),
    calleeReleases(session.releases?.releases() ?? []),
    targetOf(release).services,
  );
  return {
    known: true,
    windowSeconds: w,
    ...verdict,
    headers,
    downstream,
    summary: describeCallers(serviceNameOf(release.host), verdict, headers),
  };
}

function sameRule(r: ContentRule, version: string, matches: unknown): boolean {
  return r.version === version && JSON.stringify(r.matches) === JSON.stringify(matches);
}

/** The rule's header conditions to the same version on each target, as one reviewed plan. */
export async function planDownstream(
  s: ConsoleServices,
  { contextId, releaseId, ruleId, targets }: CallRequest<'release.planDownstream'>,
): Promise<PlanView> {
  const session = await s.ready(contextId);
  refuseReadOnly(contextId, session);
  const source = s.releaseOf(session, releaseId);
  const rule = source.rules.find((r) => r.id === ruleId);
  if (!rule) throw new ApiFailure('not-found', `no content rule '${ruleId}' on ${source.host}`);
  const matches = downstreamMatches(rule.matches);
  if (matches.length === 0)
    throw new ApiFailure(
      'invalid-request',
      `rule ${rule.name ?? rule.id} has no header condition: only headers travel with a request to the services it calls`,
    );
  const steps: PlanStep[] = [];
  const changed: string[] = [];
  for (const [i, targetId] of [...new Set(targets)].entries()) {
    const target = s.releaseOf(session, targetId);
    if (!target.versions.some((v) => v.name === rule.version && v.declared))
      throw new ApiFailure(
        'invalid-request',
        `${target.host} has no version '${rule.version}' to route the rule to`,
      );
    if (target.rules.some((r) => sameRule(r, rule.version, matches))) continue;
    const desired = addContentRule(target, {
      matches,
      version: rule.version,
      ...(rule.name ? { name: rule.name } : {}),
    });
    const plan = planRelease(target, desired, s.sourceObjects(session, target));
    const id = (x: string) => `d${i}-${x}`;
    for (const st of plan.steps)
      steps.push({ ...st, id: id(st.id), ...(st.dependsOn ? { dependsOn: st.dependsOn.map(id) } : {}) });
    changed.push(serviceNameOf(target.host));
  }
  const what = `rule ${rule.name ?? rule.id} of ${serviceNameOf(source.host)} (→ ${rule.version})`;
  const stored = s.plans.store({
    contextId,
    releaseId,
    plan: { releaseId, steps },
    kind: 'change',
    description: `${what} on ${changed.join(', ') || 'no other service'}`,
  });
  const summary =
    steps.length === 0
      ? `Nothing to change: the services downstream already have ${what}.`
      : `${steps.length} step(s): ${what} on ${changed.join(', ')}`;
  return s.plans.view(session, stored, summary);
}
