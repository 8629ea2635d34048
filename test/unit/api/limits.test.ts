import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callNames } from '../../../shared/api/contract.ts';
import {
  FRAME_ENVELOPE_BYTES,
  formatBytes,
  jsonBytesUpTo,
  jsonStringBytes,
  MAX_CALL_PAYLOAD_BYTES,
  MAX_FRAME_BYTES,
  MAX_SAMPLE_JSONL_BYTES,
  utf8Bytes,
} from '../../../shared/api/limits.ts';
import { closeReasonText } from '../../../shared/api/ws-protocol.ts';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
// Any UTF-16 code units, lone surrogates and control characters included.
const anyText = fc.string({ unit: 'binary' });
const codeUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
  .map((units) => String.fromCharCode(...units));

describe('the contract size limits', () => {
  it('count a string as JSON.stringify writes it, in UTF-8', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, codeUnits), (text) => {
        expect(jsonStringBytes(text)).toBe(bytesOf(text));
        expect(utf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
    );
  });

  it('count any JSON value exactly, up to the limit', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonBytesUpTo(value, Number.MAX_SAFE_INTEGER)).toBe(bytesOf(value));
      }),
    );
  });

  it('count what JSON.stringify leaves out or turns into null, as it does', () => {
    const value = { a: undefined, b: [undefined, () => 1, Number.NaN], c: new Date(0), d: -0 };
    expect(jsonBytesUpTo(value, Number.MAX_SAFE_INTEGER)).toBe(bytesOf(value));
  });

  it('stop above the limit, on a deeply nested or cyclic value too, without overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonBytesUpTo(deep, MAX_CALL_PAYLOAD_BYTES)).toBe(400_002);
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(jsonBytesUpTo(cyclic, 1000)).toBeGreaterThan(1000);
    expect(jsonBytesUpTo({ text: 'x'.repeat(5000) }, 1000)).toBeGreaterThan(1000);
  });

  it('let the biggest valid call fit in one frame, whatever its channel and id', () => {
    for (const channel of callNames) {
      const envelope = JSON.stringify({ type: 'call', id: Number.MAX_SAFE_INTEGER, channel, payload: null });
      expect(Buffer.byteLength(envelope) - 'null'.length).toBeLessThanOrEqual(FRAME_ENVELOPE_BYTES);
    }
    expect(MAX_FRAME_BYTES).toBe(MAX_CALL_PAYLOAD_BYTES + FRAME_ENVELOPE_BYTES);
    expect(MAX_SAMPLE_JSONL_BYTES).toBeLessThan(MAX_CALL_PAYLOAD_BYTES);
  });

  it('read as people read them, and close reasons fit a close frame', () => {
    expect(formatBytes(MAX_SAMPLE_JSONL_BYTES)).toBe('6 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12)).toBe('12 bytes');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(Buffer.byteLength(closeReasonText(text))).toBeLessThanOrEqual(123);
      }),
    );
  });
});
