import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { STREAM_ABOVE_BYTES, sendListBody } from '../../../main/demo/server/list-body.ts';

/** A response whose socket takes one write at a time: write answers false until 'drain' is emitted. */
class SlowResponse extends EventEmitter {
  headers: Record<string, unknown> = {};
  writes: Buffer[] = [];
  ended: Buffer | undefined;
  destroyed = false;
  full = false;
  writeHead(_code: number, headers: Record<string, unknown>) {
    this.headers = headers;
    return this;
  }
  write(data: Buffer): boolean {
    if (this.full) throw new Error('written to before the last write drained');
    this.writes.push(data);
    this.full = true;
    return false;
  }
  end(data: Buffer) {
    this.ended = data;
  }
  /** The socket took what it had: lets the next write through. */
  drain() {
    this.full = false;
    this.emit('drain');
  }
}

const settle = () => new Promise((ok) => setImmediate(ok));

/** Pieces of `size` bytes each, counting how many were asked for. */
function pieces(count: number, size: number) {
  const state = { pulled: 0 };
  function* make(): Generator<Buffer> {
    for (let i = 0; i < count; i++) {
      state.pulled++;
      yield Buffer.alloc(size, 97 + i);
    }
  }
  return { state, iterator: make() };
}

describe('sendListBody', () => {
  it('streams a body over 1 MB piece by piece, each next piece made and written only after the last drained', async () => {
    const res = new SlowResponse();
    const size = 400 * 1024;
    const { state, iterator } = pieces(8, size);
    const head = Buffer.from('{"items":[');
    const tail = Buffer.from(']}');
    const done = sendListBody(res as unknown as ServerResponse, { Warning: 'w' }, head, iterator, tail);
    await settle();
    // Enough pieces to pass 1 MB were made before the first write; then one write per drain.
    const before = state.pulled;
    expect(before).toBeLessThan(8);
    expect(res.writes).toHaveLength(1);
    expect(res.headers['Content-Length']).toBeUndefined();
    expect(res.headers.Warning).toBe('w');
    for (let n = 2; n <= 9; n++) {
      res.drain();
      await settle();
      expect(res.writes).toHaveLength(n);
      expect(state.pulled).toBe(Math.max(before, n - 1));
    }
    res.drain();
    await done;
    expect(res.ended).toEqual(tail);
    const sent = Buffer.concat([...res.writes, res.ended as Buffer]);
    expect(sent.length).toBe(head.length + 8 * size + tail.length);
    expect(sent.subarray(head.length, head.length + 1).toString()).toBe('a');
    expect(sent.subarray(head.length + 7 * size, head.length + 7 * size + 1).toString()).toBe('h');
  });

  it('stops pulling pieces when the client went away', async () => {
    const res = new SlowResponse();
    const { state, iterator } = pieces(8, 400 * 1024);
    const done = sendListBody(
      res as unknown as ServerResponse,
      {},
      Buffer.from('['),
      iterator,
      Buffer.from(']'),
    );
    await settle();
    const pulled = state.pulled;
    res.destroyed = true;
    res.emit('close');
    await done;
    expect(state.pulled).toBe(pulled);
    expect(res.ended).toBeUndefined();
  });

  it('sends a body up to 1 MB whole, with its Content-Length', async () => {
    const res = new SlowResponse();
    const { iterator } = pieces(3, 1000);
    await sendListBody(res as unknown as ServerResponse, {}, Buffer.from('['), iterator, Buffer.from(']'));
    expect(res.writes).toHaveLength(0);
    expect(res.headers['Content-Length']).toBe(3002);
    expect(res.ended?.length).toBe(3002);
    expect(STREAM_ABOVE_BYTES).toBe(1024 * 1024);
  });
});
