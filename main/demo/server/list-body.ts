// Sending a list body made of pieces: small ones whole with a Content-Length; large ones streamed,
// each next piece made only once the socket has taken the last (no list is ever one giant string
// or one giant queue of buffers: 50,000 pods are 200 MB).
import type { ServerResponse } from 'node:http';

/** Bodies up to this many bytes go out whole, with a Content-Length. */
export const STREAM_ABOVE_BYTES = 1024 * 1024;
/**
 * Bytes a streamed body may have queued in the socket before the next piece waits for 'drain'.
 * Waiting after every piece (the socket's 16 KB mark) costs one wakeup per piece, ~200 for 50,000
 * VirtualServices, each a scheduling delay on a loaded machine; 4 MB bounds the memory and the
 * wakeups (~8).
 */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;

/** Resolves once the response's buffered data was flushed, or it closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((ok) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      ok();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `head`, the pieces, then `tail` as a 200 JSON answer. Pieces are pulled from the iterator
 * only as the socket takes them: once STREAM_WINDOW_BYTES are queued, the next piece waits for
 * 'drain'.
 */
export async function sendListBody(
  res: ServerResponse,
  headers: Record<string, string>,
  head: Buffer,
  pieces: Iterator<Buffer>,
  tail: Buffer,
): Promise<void> {
  const first: Buffer[] = [head];
  let bytes = head.length;
  let next = pieces.next();
  while (!next.done && bytes <= STREAM_ABOVE_BYTES) {
    first.push(next.value);
    bytes += next.value.length;
    next = pieces.next();
  }
  const type = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
  if (next.done) {
    first.push(tail);
    res.writeHead(200, { ...type, 'Content-Length': bytes + tail.length, ...headers });
    res.end(Buffer.concat(first, bytes + tail.length));
    return;
  }
  res.writeHead(200, { ...type, ...headers });
  const send = async (piece: Buffer) => {
    if (!res.write(piece) && res.writableLength >= STREAM_WINDOW_BYTES) await drained(res);
  };
  for (const piece of first) {
    await send(piece);
    if (res.destroyed) return;
  }
  while (!next.done) {
    await send(next.value);
    if (res.destroyed) return;
    next = pieces.next();
  }
  res.end(tail);
}
