import { describe, expect, it } from 'vitest';
import { nextTurn } from '../../../main/core/cluster/event-loop-turn.ts';

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
