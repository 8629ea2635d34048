import { describe, expect, it } from 'vitest';
import { parseSynczInSlices } from '../../../main/core/proxies/istiod-syncz.ts';
import { parseSyncz } from '../../../shared/proxies/proxy-sync.ts';

// The whole mesh's proxy status (50,000 entries at scale) is parsed in slices of main's event loop.

function mesh(n: number): Array<Record<string, string>> {
  return Array.from({ length: n }, (_, i) => ({
    proxy: `svc-${i}-v1-abc.gen-${i % 7}`,
    proxy_type: i % 50 === 0 ? 'router' : 'sidecar',
    ...(i % 3 === 0 ? { istio_version: '1.27.1' } : {}),
    cluster_sent: `2026-12-05T08:00:01Z/${i}`,
    ...(i % 2 === 0 ? { cluster_acked: `2026-12-05T08:00:01Z/${i}` } : {}),
    ...(i % 5 === 0 ? { route_acked: 'x' } : { route_sent: 'y' }),
  }));
}

describe('parseSynczInSlices', () => {
  it('reads what parseSyncz reads, entry for entry, and refuses what it refuses with the same reason', async () => {
    const body = mesh(3000);
    expect(await parseSynczInSlices(body)).toEqual(parseSyncz(body));
    for (const bad of [{ kind: 'Status' }, [...body, null], [...body, { route_sent: 'x' }]])
      expect(await parseSynczInSlices(bad)).toEqual(parseSyncz(bad));
  });

  it('gives the event loop a turn whenever its slice is used up, and only between entries', async () => {
    let pauses = 0;
    let turns = 0;
    const slice = {
      due: () => true,
      pause: async () => {
        pauses++;
        await new Promise((r) => setImmediate(r));
      },
    };
    const ticking = setInterval(() => turns++, 0);
    const body = mesh(2048);
    const parsed = await parseSynczInSlices(body, slice);
    clearInterval(ticking);
    expect(parsed.ok && parsed.proxies.length).toBe(2048);
    expect(pauses).toBe(8);
    expect(turns).toBeGreaterThan(0);
  });
});
