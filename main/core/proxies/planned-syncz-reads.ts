// Reads of istiod's proxy status as shared/proxies/syncz-read-plan.ts plans them, per context: the
// whole /debug/syncz when the last whole read is old, else one namespaced read per namespace that
// is counted (the release's, and those the gateways are in), in parallel. `prepare` makes the
// whole read ahead of a change (when its review opens), so the read just before the write is a
// namespaced one; a read that needs a whole read while one is on its way waits for it first.

import { isGateway, type ProxySync } from '../../../shared/proxies/proxy-sync.ts';
import {
  planSynczRead,
  readOutcome,
  type SynczReadMemory,
  type SynczReadPlan,
  type SynczReadRequest,
  wholeReadDue,
} from '../../../shared/proxies/syncz-read-plan.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { type IstiodLocation, readSyncz, type SynczRead } from './istiod-syncz.ts';

export interface PlannedRead {
  read: SynczRead;
  /** The namespaces the answer covers; absent when it covers the whole mesh. */
  covered?: ReadonlySet<string>;
}

export interface PlannedSynczReads {
  read(
    contextId: string,
    client: KubeHttpClient,
    at: IstiodLocation,
    req: Omit<SynczReadRequest, 'now'>,
  ): Promise<PlannedRead>;
  /** The whole read, when one is due (see wholeReadDue); undefined when none was needed. */
  prepare(contextId: string, client: KubeHttpClient, at: IstiodLocation): Promise<PlannedRead | undefined>;
  forget(contextId: string): void;
}

/** The namespaced reads' answers as one: the first failure, or every proxy once. */
function joined(reads: readonly SynczRead[]): SynczRead {
  const failed = reads.find((r) => !r.ok);
  if (failed) return failed;
  const byId = new Map<string, ProxySync>();
  let partial: string | undefined;
  for (const r of reads)
    if (r.ok) {
      partial ??= r.partial;
      for (const p of r.proxies) if (!byId.has(p.id)) byId.set(p.id, p);
    }
  const first = reads[0];
  const source = first?.ok ? first.source : '';
  return { ok: true, proxies: [...byId.values()], source, ...(partial ? { partial } : {}) };
}

export function createPlannedSynczReads(now: () => number): PlannedSynczReads {
  const memories = new Map<string, SynczReadMemory>();
  const wholeOnItsWay = new Map<string, Promise<PlannedRead>>();

  async function execute(
    contextId: string,
    client: KubeHttpClient,
    at: IstiodLocation,
    plan: SynczReadPlan,
  ): Promise<PlannedRead> {
    const askedAt = now();
    const read =
      plan.kind === 'full'
        ? await readSyncz(client, at)
        : joined(await Promise.all(plan.namespaces.map((ns) => readSyncz(client, at, ns))));
    if (!read.ok) return { read };
    const proxies = read.proxies.map((p) => ({ namespace: p.namespace, gateway: isGateway(p) }));
    const outcome = readOutcome(memories.get(contextId) ?? {}, plan, proxies, askedAt);
    memories.set(contextId, outcome.memory);
    return { read, ...(outcome.covered ? { covered: new Set(outcome.covered) } : {}) };
  }

  const planFor = (contextId: string, req: Omit<SynczReadRequest, 'now'>) =>
    planSynczRead(memories.get(contextId) ?? {}, { ...req, now: now() });

  return {
    async read(contextId, client, at, req) {
      const onItsWay = wholeOnItsWay.get(contextId);
      // A whole read asked earlier (at review) is not this read's answer: a push may have come
      // since it was asked. Once it is in, this one can be namespaced.
      if (onItsWay && planFor(contextId, req).kind === 'full') await onItsWay;
      return execute(contextId, client, at, planFor(contextId, req));
    },
    prepare(contextId, client, at) {
      const onItsWay = wholeOnItsWay.get(contextId);
      if (onItsWay) return onItsWay;
      if (!wholeReadDue(memories.get(contextId) ?? {}, now())) return Promise.resolve(undefined);
      const whole = execute(contextId, client, at, { kind: 'full' }).finally(() =>
        wholeOnItsWay.delete(contextId),
      );
      wholeOnItsWay.set(contextId, whole);
      return whole;
    },
    forget(contextId) {
      memories.delete(contextId);
      wholeOnItsWay.delete(contextId);
    },
  };
}
