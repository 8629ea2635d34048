// Confirmation at the proxies: after the API server accepted a change, at how many of the sidecars
// and gateways that serve the host it is in effect. A baseline of istiod's proxy status is taken
// just before a change is written (`markChange`); a proxy counts once it acknowledged a route and
// cluster push newer than that baseline (shared/proxies). `convergence` answers one reading;
// `waitForProxies` polls until every proxy has it or time runs out, for whoever gates the next
// release step on it. Reads are planned (planned-syncz-reads.ts): the whole mesh's status when the
// last whole read is old (`prepare` makes it when a review opens), else only the namespaces
// counted; a mark remembers which namespaces its baseline covered, and its readings read those.

import type { ProxyConvergenceView } from '../../../shared/api/proxy-schemas.ts';
import {
  baselineOf,
  countInEffect,
  isGateway,
  type ProxySync,
  proxiesServing,
  type SyncBaseline,
} from '../../../shared/proxies/proxy-sync.ts';
import type { SynczReadRequest } from '../../../shared/proxies/syncz-read-plan.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { findIstiod, type IstiodLocation, type SynczRead } from './istiod-syncz.ts';
import { createPlannedSynczReads, type PlannedRead } from './planned-syncz-reads.ts';

/** What a convergence reading needs of a context and release. */
export interface ProxyTarget {
  client: KubeHttpClient;
  /** The release's host (FQDN) and the namespace of its route. */
  host: string;
  namespace: string;
}

export interface ProxyConfirmationDeps {
  /** The session's client and the release's host; throws an ApiFailure when there is none. */
  target(contextId: string, releaseId: string): Promise<ProxyTarget>;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WaitOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Default 500 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Each reading as it comes (e.g. to push it to the renderer). */
  onReading?: (view: ProxyConvergenceView) => void;
}

export interface ProxyConfirmations {
  /**
   * Ahead of a change of a release (its review opened): reads the whole mesh's proxy status if the
   * last whole read is getting old, so that markChange's read can be of the counted namespaces
   * only. Never throws.
   */
  prepare(contextId: string, releaseId: string): Promise<void>;
  /**
   * Records the proxies' state just before a change of a release is written: the change is in
   * effect at a proxy once it acknowledged a newer push. Never throws; gives up after 2 s, and the
   * readings of that change then say there is nothing to compare with (known: false).
   */
  markChange(contextId: string, releaseId: string): Promise<void>;
  /**
   * One reading: in effect at N of M proxies, or why that is not known. Without a change marked in
   * this session, it counts the proxies synced with istiod's latest push (`since` is then absent).
   */
  convergence(contextId: string, releaseId: string): Promise<ProxyConvergenceView>;
  /**
   * Reads until the change is in effect at every proxy counted, the status is not known (and will
   * not become known by waiting), or `timeoutMs` passes; answers the last reading.
   */
  waitForProxies(contextId: string, releaseId: string, options?: WaitOptions): Promise<ProxyConvergenceView>;
  /** Forgets a context's baselines and istiod location (its session closed). */
  forget(contextId: string): void;
}

interface Mark {
  at: number;
  baseline?: SyncBaseline;
  /** The namespaces the baseline covers (absent: the whole mesh); only their proxies are compared. */
  covered?: ReadonlySet<string>;
  /** Why there is no baseline (then no count is given: it would be a guess). */
  missing?: string;
}

const MARK_TIMEOUT_MS = 2000;
/** After the status was found hidden (RBAC, no istiod, debug off), applies skip the baseline this long. */
const HIDDEN_RECHECK_MS = 60_000;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

function countedText(proxies: readonly ProxySync[], namespace: string): string {
  const gateways = proxies.filter(isGateway).length;
  const sidecars = proxies.length - gateways;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(sidecars, 'sidecar')} in namespace ${namespace} and ${plural(gateways, 'gateway')}`;
}

/** One reading in the renderer's words: the count against the mark's baseline, or why there is none. */
function readingView(
  ids: { contextId: string; releaseId: string },
  target: ProxyTarget,
  got: SynczRead,
  mark: Mark | undefined,
  checkedAt: string,
): ProxyConvergenceView {
  const unknown = (reason: string, retryable: boolean): ProxyConvergenceView => ({
    known: false,
    ...ids,
    reason,
    retryable,
    checkedAt,
  });
  if (!got.ok) return unknown(got.reason, got.transient);
  const serving = proxiesServing(got.proxies, target.namespace);
  if (serving.length === 0)
    return unknown(
      `istiod reports no connected sidecar in namespace ${target.namespace} and no gateway`,
      false,
    );
  if (mark && !mark.baseline)
    return unknown(
      `no proxy status from just before the change to compare with (${mark.missing ?? 'not read'}): a proxy synced now may still have the old configuration`,
      false,
    );
  return {
    known: true,
    ...ids,
    host: target.host,
    ...countInEffect(serving, mark?.baseline, mark?.covered),
    counted: countedText(serving, target.namespace),
    ...(mark?.baseline ? { since: new Date(mark.at).toISOString() } : {}),
    source: got.source,
    ...(got.partial ? { partial: got.partial } : {}),
    checkedAt,
  };
}

export function createProxyConfirmations(deps: ProxyConfirmationDeps): ProxyConfirmations {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const marks = new Map<string, Mark>();
  const istiods = new Map<string, Promise<IstiodLocation>>();
  /** When a context's status was last found hidden: an apply does not wait on a read that will fail. */
  const hiddenAt = new Map<string, number>();
  const planned = createPlannedSynczReads(now);
  const key = (contextId: string, releaseId: string) => `${contextId}\u0000${releaseId}`;

  function istiodOf(contextId: string, client: KubeHttpClient): Promise<IstiodLocation> {
    let at = istiods.get(contextId);
    if (!at) {
      at = findIstiod(client);
      istiods.set(contextId, at);
    }
    return at;
  }

  function noted<T extends PlannedRead | undefined>(contextId: string, got: T): T {
    if (!got) return got;
    // Not found where it was: look for it again next time (it may have been reinstalled).
    if (!got.read.ok && !got.read.transient) {
      istiods.delete(contextId);
      hiddenAt.set(contextId, now());
    } else hiddenAt.delete(contextId);
    return got;
  }

  async function read(
    contextId: string,
    client: KubeHttpClient,
    req: Omit<SynczReadRequest, 'now'>,
  ): Promise<PlannedRead> {
    const at = await istiodOf(contextId, client);
    return noted(contextId, await planned.read(contextId, client, at, req));
  }

  async function prepare(contextId: string, releaseId: string): Promise<void> {
    const hidden = hiddenAt.get(contextId);
    if (hidden !== undefined && now() - hidden < HIDDEN_RECHECK_MS) return;
    try {
      const target = await deps.target(contextId, releaseId);
      const at = await istiodOf(contextId, target.client);
      noted(contextId, await planned.prepare(contextId, target.client, at));
    } catch {
      // Best effort: markChange reads the whole mesh itself if this did not.
    }
  }

  async function markChange(contextId: string, releaseId: string): Promise<void> {
    const mark: Mark = { at: now() };
    marks.set(key(contextId, releaseId), mark);
    const hidden = hiddenAt.get(contextId);
    if (hidden !== undefined && now() - hidden < HIDDEN_RECHECK_MS) {
      mark.missing = 'the proxy status was hidden when the change was applied';
      return;
    }
    mark.missing = `istiod did not answer within ${MARK_TIMEOUT_MS / 1000} s before the change was written`;
    try {
      const target = await deps.target(contextId, releaseId);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<undefined>((r) => {
        timer = setTimeout(() => r(undefined), MARK_TIMEOUT_MS);
      });
      const got = await Promise.race([
        read(contextId, target.client, { namespace: target.namespace }),
        timeout,
      ]).finally(() => clearTimeout(timer));
      if (got?.read.ok) {
        mark.baseline = baselineOf(got.read.proxies);
        if (got.covered) mark.covered = got.covered;
        mark.missing = undefined;
      } else if (got && !got.read.ok) mark.missing = got.read.reason;
    } catch (err) {
      mark.missing = (err as Error).message;
    }
  }

  async function convergence(contextId: string, releaseId: string): Promise<ProxyConvergenceView> {
    const target = await deps.target(contextId, releaseId);
    const mark = marks.get(key(contextId, releaseId));
    const covering = mark?.baseline && mark.covered ? [...mark.covered] : undefined;
    const { read: got } = await read(contextId, target.client, {
      namespace: target.namespace,
      ...(covering ? { covering } : {}),
    });
    return readingView({ contextId, releaseId }, target, got, mark, new Date(now()).toISOString());
  }

  async function waitForProxies(
    contextId: string,
    releaseId: string,
    options: WaitOptions = {},
  ): Promise<ProxyConvergenceView> {
    const deadline = now() + (options.timeoutMs ?? 30_000);
    const interval = options.intervalMs ?? 500;
    for (;;) {
      const view = await convergence(contextId, releaseId);
      options.onReading?.(view);
      const done = view.known ? view.inEffect === view.total : !view.retryable;
      if (done || now() + interval > deadline || options.signal?.aborted) return view;
      await sleep(interval, options.signal);
    }
  }

  return {
    prepare,
    markChange,
    convergence,
    waitForProxies,
    forget(contextId) {
      istiods.delete(contextId);
      hiddenAt.delete(contextId);
      planned.forget(contextId);
      for (const k of [...marks.keys()]) if (k.startsWith(`${contextId}\u0000`)) marks.delete(k);
    },
  };
}
