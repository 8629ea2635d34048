import { describe, expect, it } from 'vitest';
import type { ObjectBatch } from '../../../main/core/cluster/batch-coalescer.ts';
import { createBatchCoalescer } from '../../../main/core/cluster/batch-coalescer.ts';
import { createManualClock } from '../../../main/core/cluster/clock.ts';

describe('batch coalescing towards the renderer', () => {
  it('sends at most 10 batches a second however many changes arrive', () => {
    const clock = createManualClock();
    const sent: Array<{ at: number; batch: ObjectBatch<number> }> = [];
    const c = createBatchCoalescer<number>(clock, (batch) => sent.push({ at: clock.now(), batch }));
    // 5,000 changes spread over two seconds, one every 0.4 ms.
    for (let i = 0; i < 5000; i++) {
      c.upsert(`uid-${i % 700}`, i);
      clock.advance(0.4);
    }
    clock.advance(200);
    expect(sent.length).toBeGreaterThan(10);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100);
    const perSecond = new Map<number, number>();
    for (const s of sent)
      perSecond.set(Math.floor(s.at / 1000), (perSecond.get(Math.floor(s.at / 1000)) ?? 0) + 1);
    for (const n of perSecond.values()) expect(n).toBeLessThanOrEqual(10);
    // Nothing is lost: the last value of every uid arrives.
    const last = new Map<string, number>();
    for (const s of sent) for (const v of s.batch.upserts) last.set(`uid-${v % 700}`, v);
    expect(last.size).toBe(700);
    expect(last.get('uid-699')).toBe(4899);
  });

  it('sends the first change after a quiet spell at once', () => {
    const clock = createManualClock(10_000);
    const sent: ObjectBatch<string>[] = [];
    const c = createBatchCoalescer<string>(clock, (b) => sent.push(b));
    c.upsert('a', 'v1');
    expect(sent).toEqual([{ upserts: ['v1'], deletes: [] }]);
  });

  it('collapses changes to one uid within a window to the newest, and a delete after an upsert to the delete', () => {
    const clock = createManualClock();
    const sent: ObjectBatch<string>[] = [];
    const c = createBatchCoalescer<string>(clock, (b) => sent.push(b));
    c.upsert('first', 'x');
    c.upsert('a', 'v1');
    c.upsert('a', 'v2');
    c.upsert('b', 'v1');
    c.delete('b');
    expect(sent).toHaveLength(1);
    clock.advance(100);
    expect(sent[1]).toEqual({ upserts: ['v2'], deletes: ['b'] });
  });

  it('sends nothing when nothing changed and stops after dispose', () => {
    const clock = createManualClock();
    const sent: ObjectBatch<string>[] = [];
    const c = createBatchCoalescer<string>(clock, (b) => sent.push(b));
    clock.advance(1000);
    c.flush();
    expect(sent).toEqual([]);
    c.upsert('a', '1');
    c.upsert('b', '2');
    c.dispose();
    clock.advance(1000);
    expect(sent).toHaveLength(1);
  });
});
