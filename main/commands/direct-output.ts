import { writeSync } from 'node:fs';

// A file command's output written straight to its file descriptor, without process.stdout: to a
// pipe (`switchyard split ... | kubectl apply -f -`, a test's spawn), that stream is a net.Socket,
// and creating it loads Node's net and streams layers, ~3 ms of a command that takes ~30 ms past
// Node's own start. On Linux and macOS a write to stdout or stderr that is a file, a terminal or a
// blocking pipe lands whole before the call returns either way. Should the descriptor refuse a
// write (a non-blocking pipe that is full: EAGAIN; EPIPE; ...), the rest of that text and every
// later one go to the stream, which handles them as it always did.

interface Writable {
  write(text: Uint8Array): unknown;
}

/**
 * A writer of text to `fd`, with `stream` (called once, when needed) for what `fd` refuses.
 * @param write writeSync, or a stand-in in tests
 */
export function directWriter(
  fd: number,
  stream: () => Writable,
  write: (fd: number, data: Uint8Array, offset: number) => number = writeSync,
): (text: string) => void {
  let fallback: Writable | undefined;
  return (text) => {
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    if (!fallback) {
      try {
        while (offset < data.length) offset += write(fd, data, offset);
        return;
      } catch {
        fallback = stream();
      }
    }
    fallback.write(data.subarray(offset));
  };
}
