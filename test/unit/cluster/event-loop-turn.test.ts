import { describe, expect, it } from 'vitest';
import { feedInSlices, nextTurn } from '../../../main/core/cluster/event-loop-turn.ts';

// Sliced work (list pages parsed, lists stored) waits for the next turn of the event loop between
// slices; several such waits are served one per turn, so their slices never add up in one turn.

/** One turn of the event loop as the test sees it: its own setImmediate, queued now. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('nextTurn', () => {
  it('wakes one waiter per turn of the event loop, in the order they came', async () => {
    const woken: string[] = [];
    const all = ['a', 'b', 'c'].map((name) => nextTurn().then(() => woken.push(name)));
    await turn();
    expect(woken).toEqual(['a']);
    await turn();
    expect(woken).toEqual(['a', 'b']);
    await turn();
    expect(woken).toEqual(['a', 'b', 'c']);
    await Promise.all(all);
  });

  it('a waiter that comes while others wait is served after them', async () => {
    const woken: string[] = [];
    const first = nextTurn().then(async () => {
      woken.push('a');
      await nextTurn();
      woken.push('a again');
    });
    const second = nextTurn().then(() => woken.push('b'));
    await Promise.all([first, second]);
    expect(woken).toEqual(['a', 'b', 'a again']);
  });
});

describe('feedInSlices', () => {
  it('feeds at most batchSize at a time even when the slice never ends, in order', async () => {
    const batches: number[][] = [];
    await feedInSlices(
      Array.from({ length: 600 }, (_, i) => i),
      (batch) => batches.push(batch),
      Number.POSITIVE_INFINITY,
      256,
    );
    expect(batches.map((b) => b.length)).toEqual([256, 256, 88]);
    expect(batches.flat()).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('feeds what it has and waits for a turn once the slice is spent', async () => {
    const log: string[] = [];
    let turns = 0;
    let feeding = true;
    const count = () => {
      turns++;
      if (feeding) setImmediate(count);
    };
    setImmediate(count);
    await feedInSlices(['a', 'b', 'c'], (batch) => log.push(`${batch.join('')} after ${turns} turns`), 0);
    feeding = false;
    expect(log).toEqual(['a after 0 turns', 'b after 1 turns', 'c after 2 turns']);
  });
});
