import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';

/**
 * Remembers, per release, which version held most of the traffic before the current one did, so
 * "Roll back to <version>" can be offered after a cut-over. During a canary the stable version is
 * the one with the most traffic; after a cut-over it is the one that held it before.
 */
export function createStableVersions() {
  const seen = new Map<string, { majority: string; previous?: string }>();

  function majorityOf(release: ServiceRelease): string | undefined {
    let best: { version: string; weight: number } | undefined;
    for (const d of release.defaultRoute?.destinations ?? []) {
      if (!best || d.weight > best.weight) best = { version: d.version, weight: d.weight };
    }
    return best && best.weight > 0 ? best.version : undefined;
  }

  return {
    /** Records what the release looks like now and answers the version to roll back to. */
    observe(release: ServiceRelease): string | undefined {
      const majority = majorityOf(release);
      if (!majority) return seen.get(release.id)?.previous;
      const before = seen.get(release.id);
      if (!before) {
        seen.set(release.id, { majority });
      } else if (before.majority !== majority) {
        seen.set(release.id, { majority, previous: before.majority });
      }
      const now = seen.get(release.id);
      const shares = (release.defaultRoute?.destinations ?? []).filter((d) => d.weight > 0);
      if (now?.previous && now.previous !== majority) return now.previous;
      // A canary is running: rolling back means all traffic to the version that has most of it.
      return shares.length > 1 ? majority : undefined;
    },
    forget(releaseId: string) {
      seen.delete(releaseId);
    },
  };
}

export type StableVersions = ReturnType<typeof createStableVersions>;
