import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../main/core/cluster/clock.ts';
import { createReleaseIndex } from '../../../main/core/cluster/release-index.ts';
import type { CacheChange } from '../../../main/core/cluster/watch-cache.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';

// A whole-cluster read (first sync, or a burst of changes) goes one chunk of routes per turn of the
// event loop, so that 50,000 services never hold main's event loop for long; nothing is lost when
// someone needs the releases at once meanwhile (flush), and changes during a pass are read after it.

const vs = (i: number, weight = 80): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: `svc-${i}`, namespace: 'shop', uid: `vs-${i}`, resourceVersion: String(weight) },
  spec: {
    hosts: [`svc-${i}`],
    http: [
      {
        route: [
          { destination: { host: `svc-${i}`, subset: 'v1' }, weight },
          { destination: { host: `svc-${i}`, subset: 'v2' }, weight: 100 - weight },
        ],
      },
    ],
  },
});

function setup(routes: number) {
  const manual = createManualClock();
  /** What happened, in order: each read, and each wait for the next turn of the event loop. */
  const log: string[] = [];
  // Waits for the next turn are run by the test, one by one (the event loop's other work between).
  const turns = new Map<number, () => void>();
  let lastTurn = 0;
  const clock = {
    ...manual,
    setTimeout(fn: () => void, ms: number) {
      if (ms !== 0) return manual.setTimeout(fn, ms);
      log.push('next turn');
      turns.set(--lastTurn, fn);
      return lastTurn;
    },
    clearTimeout(id: unknown) {
      if (typeof id === 'number' && id < 0) turns.delete(id);
      else manual.clearTimeout(id);
    },
  };
  const nextTurn = () => {
    const [id, fn] = turns.entries().next().value ?? [];
    if (id === undefined) return;
    turns.delete(id);
    fn?.();
  };
  const objects = Array.from({ length: routes }, (_, i) => vs(i));
  let listener: ((c: readonly CacheChange[]) => void) | undefined;
  const cache = {
    synced: true,
    onChange(l: (c: readonly CacheChange[]) => void) {
      listener = l;
      return () => {};
    },
    all: () => objects.values(),
  };
  const reads: number[] = [];
  const index = createReleaseIndex({
    cache,
    clock,
    fullReadChunk: 100,
    read: (objs) => {
      reads.push(objs.length);
      log.push(`read ${objs.length}`);
      return readReleases(objs);
    },
  });
  const change = (o: KubeObject, previous: KubeObject) =>
    listener?.([{ resource: 'virtualservices', type: 'upsert', object: o, previous }]);
  return { clock, index, reads, change, log, nextTurn, pendingTurns: () => turns.size };
}

const weightOf = (index: ReturnType<typeof setup>['index'], i: number) =>
  index.get(`istio:shop/svc-${i}.shop.svc.cluster.local`)?.defaultRoute?.destinations[0]?.weight;

describe('the release index reading a whole cluster', () => {
  it('reads one chunk per turn on its tick, and announces once, when all are read', () => {
    const { clock, index, log, nextTurn } = setup(350);
    const announced: number[] = [];
    index.onChanges((c) => announced.push(c.upserts.length));
    clock.advance(100);
    expect(log).toEqual(['read 100', 'next turn']);
    expect(announced).toEqual([]);
    for (let i = 0; i < 3; i++) nextTurn();
    expect(log).toEqual([
      'read 100',
      'next turn',
      'read 100',
      'next turn',
      'read 100',
      'next turn',
      'read 50',
    ]);
    expect(announced).toEqual([350]);
    expect(index.releases()).toHaveLength(350);
  });

  it('stores each chunk as it is read and tells the listeners once, at the end, what changed', () => {
    const { clock, index, change, nextTurn } = setup(250);
    const announced: Array<{ upserts: number; deletes: number }> = [];
    index.onChanges((c) => announced.push({ upserts: c.upserts.length, deletes: c.deletes.length }));
    clock.advance(100);
    // The first chunk is in (nothing is left to compare at the end), the rest not yet, nobody told.
    expect(weightOf(index, 0)).toBe(80);
    expect(weightOf(index, 99)).toBe(80);
    expect(weightOf(index, 100)).toBeUndefined();
    expect(announced).toEqual([]);
    nextTurn();
    nextTurn();
    expect(announced).toEqual([{ upserts: 250, deletes: 0 }]);
    // A burst over the full-read threshold is read again whole: only what changed is announced.
    for (let i = 0; i < 250; i += 1) change(vs(i, i < 220 ? 30 : 80), vs(i));
    clock.advance(100);
    expect(weightOf(index, 0)).toBe(30);
    expect(weightOf(index, 150)).toBe(80);
    expect(announced).toHaveLength(1);
    nextTurn();
    nextTurn();
    expect(announced).toEqual([
      { upserts: 250, deletes: 0 },
      { upserts: 220, deletes: 0 },
    ]);
    expect(weightOf(index, 150)).toBe(30);
    expect(weightOf(index, 249)).toBe(80);
  });

  it('whenCurrent yields between chunks and resolves with every release', async () => {
    const { index, reads, nextTurn } = setup(250);
    let done = false;
    const current = index.whenCurrent().then(() => {
      done = true;
    });
    expect(reads).toEqual([100]);
    await Promise.resolve();
    expect(done).toBe(false);
    for (let i = 0; i < 3; i++) {
      nextTurn();
      await new Promise((r) => setImmediate(r));
    }
    await current;
    expect(reads).toEqual([100, 100, 50]);
    expect(index.releases()).toHaveLength(250);
  });

  it('whenCurrent steps a pass alone, one chunk a turn: the tick steps it no more, callers share it', async () => {
    const { clock, index, reads, nextTurn, pendingTurns } = setup(300);
    clock.advance(100);
    expect(reads).toEqual([100]);
    expect(pendingTurns()).toBe(1);
    const first = index.whenCurrent();
    const second = index.whenCurrent();
    expect(second).toBe(first);
    // The tick's turn is cancelled: only whenCurrent's is left, so a turn reads one chunk.
    expect(reads).toEqual([100, 100]);
    expect(pendingTurns()).toBe(1);
    nextTurn();
    await first;
    expect(reads).toEqual([100, 100, 100]);
    expect(pendingTurns()).toBe(0);
    expect(index.releases()).toHaveLength(300);
  });

  it('a flush in the middle of a pass finishes it at once, and a change meanwhile is read after it', () => {
    const { clock, index, change, reads } = setup(300);
    clock.advance(100);
    expect(reads).toEqual([100]);
    change(vs(299, 30), vs(299));
    index.flush();
    expect(index.releases()).toHaveLength(300);
    expect(weightOf(index, 299)).toBe(30);
    expect(weightOf(index, 0)).toBe(80);
  });
});
