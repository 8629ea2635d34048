import { describe, expect, it } from 'vitest';
import { directWriter } from '../../../main/commands/direct-output.ts';

// The file commands write their output straight to fds 1 and 2; what a descriptor refuses goes to
// the process's stream, and so does everything after it (never a later text before an earlier one).

function recorder(chunkLimit = Number.POSITIVE_INFINITY, failOnCall?: number) {
  const written: string[] = [];
  let calls = 0;
  const write = (_fd: number, data: Uint8Array, offset: number) => {
    calls++;
    if (calls === failOnCall) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    const n = Math.min(chunkLimit, data.length - offset);
    written.push(Buffer.from(data.subarray(offset, offset + n)).toString('utf8'));
    return n;
  };
  return { written, write };
}

function fakeStream() {
  const got: string[] = [];
  let made = 0;
  return {
    got,
    made: () => made,
    stream: () => {
      made++;
      return { write: (d: Uint8Array) => got.push(Buffer.from(d).toString('utf8')) };
    },
  };
}

describe('directWriter', () => {
  it('writes each text whole to the descriptor, never making the stream', () => {
    const fd = recorder();
    const s = fakeStream();
    const out = directWriter(1, s.stream, fd.write);
    out('a: 1\n');
    out('b: ✓\n');
    expect(fd.written.join('')).toBe('a: 1\nb: ✓\n');
    expect(s.made()).toBe(0);
  });

  it('goes on after a short write until every byte is out', () => {
    const fd = recorder(3);
    const s = fakeStream();
    directWriter(1, s.stream, fd.write)('weight: 90 # stable\n');
    expect(fd.written.join('')).toBe('weight: 90 # stable\n');
    expect(fd.written.length).toBeGreaterThan(1);
  });

  it('sends what the descriptor refused, and every later text, to the stream', () => {
    const fd = recorder(4, 2);
    const s = fakeStream();
    const out = directWriter(1, s.stream, fd.write);
    out('first line\n');
    out('second\n');
    expect(fd.written).toEqual(['firs']);
    expect(s.got).toEqual(['t line\n', 'second\n']);
    expect(s.made()).toBe(1);
  });
});
