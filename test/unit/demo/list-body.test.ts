import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  STREAM_ABOVE_BYTES,
  STREAM_WINDOW_BYTES,
  sendListBody,
} from '../../../main/demo/server/list-body.ts';

/**
 * A response whose socket takes nothing until told: writes queue up (write answers false past
 * 16 KB, as Node's), and a write while the window is already full is an error.
 */
class SlowResponse extends EventEmitter {
  headers: Record<string, unknown> = {};
  writes: Buffer[] = [];
  ended: Buffer | undefined;
  destroyed = false;
  writableLength = 0;
  writeHead(_code: number, headers: Record<string, unknown>) {
    this.headers = headers;
    return this;
  }
  write(data: Buffer): boolean {
    if (this.writableLength >= STREAM_WINDOW_BYTES)
      throw new Error('written to a full window before it drained');
    this.writes.push(data);
    this.writableLength += data.length;
    return this.writableLength < 16 * 1024;
  }
  end(data: Buffer) {
    this.ended = data;
  }
  /** The socket took everything queued. */
  drain() {
    this.writableLength = 0;
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
  it('streams a body over 1 MB, each next piece made and written only while less than the window is queued', async () => {
    const res = new SlowResponse();
    const size = 1536 * 1024; // 1.5 MB: the third write of a window passes 4 MB
    const { state, iterator } = pieces(8, size);
    const head = Buffer.from('{"items":[');
    const tail = Buffer.from(']}');
    const done = sendListBody(res as unknown as ServerResponse, { Warning: 'w' }, head, iterator, tail);
    await settle();
    expect(res.headers['Content-Length']).toBeUndefined();
    expect(res.headers.Warning).toBe('w');
    // head, pieces 1-3 (4.5 MB queued): then nothing more is made until the socket drains.
    expect(res.writes).toHaveLength(4);
    expect(state.pulled).toBe(3);
    res.drain();
    await settle();
    expect(res.writes).toHaveLength(7);
    expect(state.pulled).toBe(6);
    res.drain();
    await done;
    expect(res.writes).toHaveLength(9);
    expect(res.ended).toEqual(tail);
    const sent = Buffer.concat([...res.writes, res.ended as Buffer]);
    expect(sent.length).toBe(head.length + 8 * size + tail.length);
    expect(sent.subarray(head.length, head.length + 1).toString()).toBe('a');
    expect(sent.subarray(head.length + 7 * size, head.length + 7 * size + 1).toString()).toBe('h');
  });

  it('stops pulling pieces when the client went away', async () => {
    const res = new SlowResponse();
    const { state, iterator } = pieces(8, 1536 * 1024);
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
