// Confirmation at the proxies: after the API server accepted a change, at how many of the sidecars
// and gateways that serve the host it is in effect. A baseline of istiod's proxy status is taken
// just before a change is written (`markChange`); a proxy counts once it acknowledged a route and
// cluster push newer than that baseline (shared/proxies). `convergence` answers one reading;
// `waitForProxies` polls until every proxy has it or time runs out, for whoever gates the next
// release step on it.

import type { ProxyConvergenceView } from '../../../shared/api/proxy-schemas.ts';
import {
  baselineOf,
  countInEffect,
  isGateway,
  type ProxySync,
  proxiesServing,
  type SyncBaseline,
} from '../../../shared/proxies/proxy-sync.ts';
import type { KubeHttpClient } from '../cluster/kube-http-client.ts';
import { findIstiod, type IstiodLocation, readSyncz, type SynczRead } from './istiod-syncz.ts';

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

export function createProxyConfirmations(deps: ProxyConfirmationDeps): ProxyConfirmations {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const marks = new Map<string, Mark>();
  const istiods = new Map<string, Promise<IstiodLocation>>();
  /** When a context's status was last found hidden: an apply does not wait on a read that will fail. */
  const hiddenAt = new Map<string, number>();
  const key = (contextId: string, releaseId: string) => `${contextId}\u0000${releaseId}`;

  async function read(contextId: string, client: KubeHttpClient): Promise<SynczRead> {
    let at = istiods.get(contextId);
    if (!at) {
      at = findIstiod(client);
      istiods.set(contextId, at);
    }
    const read = await readSyncz(client, await at);
    // Not found where it was: look for it again next time (it may have been reinstalled).
    if (!read.ok && !read.transient) {
      istiods.delete(contextId);
      hiddenAt.set(contextId, now());
    } else hiddenAt.delete(contextId);
    return read;
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
      const got = await Promise.race([read(contextId, target.client), timeout]).finally(() =>
        clearTimeout(timer),
      );
      if (got?.ok) {
        mark.baseline = baselineOf(got.proxies);
        mark.missing = undefined;
      } else if (got) mark.missing = got.reason;
    } catch (err) {
      mark.missing = (err as Error).message;
    }
  }

  async function convergence(contextId: string, releaseId: string): Promise<ProxyConvergenceView> {
    const target = await deps.target(contextId, releaseId);
    const got = await read(contextId, target.client);
    const checkedAt = new Date(now()).toISOString();
    if (!got.ok)
      return { known: false, contextId, releaseId, reason: got.reason, retryable: got.transient, checkedAt };
    const serving = proxiesServing(got.proxies, target.namespace);
    if (serving.length === 0)
      return {
        known: false,
        contextId,
        releaseId,
        reason: `istiod reports no connected sidecar in namespace ${target.namespace} and no gateway`,
        retryable: false,
        checkedAt,
      };
    const mark = marks.get(key(contextId, releaseId));
    if (mark && !mark.baseline)
      return {
        known: false,
        contextId,
        releaseId,
        reason: `no proxy status from just before the change to compare with (${mark.missing ?? 'not read'}): a proxy synced now may still have the old configuration`,
        retryable: false,
        checkedAt,
      };
    const count = countInEffect(serving, mark?.baseline);
    return {
      known: true,
      contextId,
      releaseId,
      host: target.host,
      ...count,
      counted: countedText(serving, target.namespace),
      ...(mark?.baseline ? { since: new Date(mark.at).toISOString() } : {}),
      source: got.source,
      ...(got.partial ? { partial: got.partial } : {}),
      checkedAt,
    };
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
    markChange,
    convergence,
    waitForProxies,
    forget(contextId) {
      istiods.delete(contextId);
      hiddenAt.delete(contextId);
      for (const k of [...marks.keys()]) if (k.startsWith(`${contextId}\u0000`)) marks.delete(k);
    },
  };
}
