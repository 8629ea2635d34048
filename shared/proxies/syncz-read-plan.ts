// Which part of istiod's proxy status to read, with no I/O. The whole of /debug/syncz names every
// proxy of the mesh (50,000 at scale: tens of MB), while a change of one release is counted at the
// sidecars of its namespace and at the gateways. So a read asks only for those namespaces
// (`?namespace=`, one request each) while the last whole read is recent enough to say where the
// gateways are; otherwise it reads the whole. An istiod that ignores the filter (older versions)
// answers the whole mesh to a namespaced read: that answer is taken as a whole read, and later
// reads ask for the whole at once.
//
// What a read covered travels with its answer: a baseline taken from some namespaces compares
// only the proxies of those namespaces (proxy-sync.ts's countInEffect never confirms the others).

/** A whole read older than this no longer says where the gateways are. */
export const FULL_READ_MAX_AGE_MS = 30_000;

/** What the earlier reads of one istiod told. */
export interface SynczReadMemory {
  /** The last whole read: when it was asked, and the namespaces it found gateways in. */
  lastFull?: { at: number; gatewayNamespaces: readonly string[] };
  /** It answered a namespaced read with other namespaces' proxies: it ignores `?namespace=`. */
  filterIgnored?: boolean;
}

export type SynczReadPlan = { kind: 'full' } | { kind: 'namespaces'; namespaces: string[] };

export interface SynczReadRequest {
  now: number;
  /** The release's namespace: its sidecars are counted. */
  namespace: string;
  /**
   * The namespaces a change's baseline covered: a reading compared with it needs no more (and no
   * whole read). Absent when there is no baseline or it covered the whole mesh.
   */
  covering?: readonly string[];
  maxAgeMs?: number;
}

const sortedUnique = (names: Iterable<string>): string[] => [...new Set(names)].sort();

function fresh(memory: SynczReadMemory, now: number, maxAgeMs: number): boolean {
  const at = memory.lastFull?.at;
  return at !== undefined && now - at < maxAgeMs;
}

/** The read to make now. */
export function planSynczRead(memory: SynczReadMemory, req: SynczReadRequest): SynczReadPlan {
  if (memory.filterIgnored) return { kind: 'full' };
  if (req.covering && req.covering.length > 0)
    return { kind: 'namespaces', namespaces: sortedUnique(req.covering) };
  if (!memory.lastFull || !fresh(memory, req.now, req.maxAgeMs ?? FULL_READ_MAX_AGE_MS))
    return { kind: 'full' };
  return {
    kind: 'namespaces',
    namespaces: sortedUnique([req.namespace, ...memory.lastFull.gatewayNamespaces]),
  };
}

/**
 * Whether to read the whole now, ahead of a change (when its review opens), so that the read
 * just before the write can be a namespaced one: when there is no whole read, or it is past half
 * its age (a review stays open a while). Never for an istiod that ignores the filter.
 */
export function wholeReadDue(memory: SynczReadMemory, now: number, maxAgeMs = FULL_READ_MAX_AGE_MS): boolean {
  return !memory.filterIgnored && !fresh(memory, now, maxAgeMs / 2);
}

/** What a read answered, as far as the plan goes: each proxy's namespace and whether it is a gateway. */
export interface ReadProxy {
  namespace: string;
  gateway: boolean;
}

export interface ReadOutcome {
  /** The namespaces the answer covers; undefined for the whole mesh. */
  covered?: string[];
  memory: SynczReadMemory;
}

/**
 * What a read's answer covers, and what the reads that follow should know: a whole answer (asked
 * for, or a namespaced read answered with other namespaces' proxies) renews the gateway namespaces.
 * `askedAt` is when the read was asked (its age counts from then).
 */
export function readOutcome(
  memory: SynczReadMemory,
  plan: SynczReadPlan,
  proxies: readonly ReadProxy[],
  askedAt: number,
): ReadOutcome {
  let filterIgnored = memory.filterIgnored;
  if (plan.kind === 'namespaces') {
    const asked = new Set(plan.namespaces);
    if (proxies.every((p) => asked.has(p.namespace))) return { covered: plan.namespaces, memory };
    filterIgnored = true;
  }
  const flag = filterIgnored ? { filterIgnored } : {};
  // A whole read asked before the one remembered (they overlapped) tells nothing newer.
  if (memory.lastFull && memory.lastFull.at > askedAt) return { memory: { ...memory, ...flag } };
  const gatewayNamespaces = sortedUnique(proxies.filter((p) => p.gateway).map((p) => p.namespace));
  return { memory: { ...flag, lastFull: { at: askedAt, gatewayNamespaces } } };
}
