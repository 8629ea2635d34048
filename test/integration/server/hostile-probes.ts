// What the fuzzer sends: calls generated from every request schema of the contract, and hostile
// mutations of them (wrong types, huge strings, deep nesting, __proto__ keys, invalid UTF-8, frames
// over the limit, binary frames, broken envelopes, channels outside the contract). Each probe says
// what the server owes it: an answer to its id (a result or a typed error), or a close of that
// socket with one of the given codes and a reason.

import fc from 'fast-check';
import { type CallName, callNames } from '../../../shared/api/contract.ts';
import { MAX_CALL_PAYLOAD_BYTES, MAX_FRAME_BYTES } from '../../../shared/api/limits.ts';
import { CloseCode } from '../../../shared/api/ws-protocol.ts';
import { arbitraryOf, type Pools, requestSchema } from './schema-arbitrary.ts';

export interface Probe {
  kind: string;
  /** The frame for the id the socket gives it. */
  frame(id: number): string | Buffer;
  binary?: boolean;
  /** 'answer': a result for the id; otherwise the close codes allowed. */
  expect: 'answer' | number[];
}

const callFrame = (id: number, channel: string, payloadText: string) =>
  `{"type":"call","id":${id},"channel":${JSON.stringify(channel)},"payload":${payloadText}}`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `value` (the root included, as []). */
function pathsOf(value: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(at);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) pathsOf(v, [...at, i], out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

/** `value` with the node at the `pick`-th path replaced by `replacement` (a copy). */
function replaceAt(value: unknown, pick: number, replacement: unknown): unknown {
  const paths = pathsOf(value);
  const path = paths[pick % paths.length] ?? [];
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = replacement;
  return copy;
}

/** Stands where the deep nesting goes, found again in the payload's JSON text. */
const DEEP = '\u0000deep\u0000';

export function probeArbitrary(pools: Pools): fc.Arbitrary<Probe> {
  const generated = fc
    .constantFrom(...callNames)
    .chain((channel: CallName) =>
      arbitraryOf(requestSchema(channel), pools).map((payload) => ({ channel, payload })),
    );
  const answer = 'answer' as const;

  const valid = generated.map(
    ({ channel, payload }): Probe => ({
      kind: 'valid',
      frame: (id) => callFrame(id, channel, JSON.stringify(payload)),
      expect: answer,
    }),
  );
  const wrongType = fc
    .tuple(
      generated,
      fc.nat(),
      fc.constantFrom<Json>(42, -1.5, 'text', true, null, [], {}, [[1]], { a: { b: 'c' } }),
    )
    .map(
      ([{ channel, payload }, pick, wrong]): Probe => ({
        kind: 'wrong-type',
        frame: (id) => callFrame(id, channel, JSON.stringify(replaceAt(payload, pick, wrong))),
        expect: answer,
      }),
    );
  const hugeString = fc
    .tuple(generated, fc.nat(), fc.constantFrom(100_000, 1_000_000, MAX_CALL_PAYLOAD_BYTES - 4096))
    .map(
      ([{ channel, payload }, pick, size]): Probe => ({
        kind: 'huge-string',
        frame: (id) => callFrame(id, channel, JSON.stringify(replaceAt(payload, pick, 'x'.repeat(size)))),
        expect: answer,
      }),
    );
  const deepNesting = fc
    .tuple(generated, fc.nat(), fc.constantFrom(1_000, 50_000, 400_000), fc.boolean())
    .map(([{ channel, payload }, pick, depth, arrays]): Probe => {
      const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
      return {
        kind: 'deep-nesting',
        frame: (id) =>
          callFrame(
            id,
            channel,
            JSON.stringify(replaceAt(payload, pick, DEEP)).replace(
              JSON.stringify(DEEP),
              `${open.repeat(depth)}${arrays ? '' : '1'}${close.repeat(depth)}`,
            ),
          ),
        expect: answer,
      };
    });
  const protoKeys = fc
    .tuple(generated, fc.subarray(['__proto__', 'constructor', 'prototype'], { minLength: 1 }))
    .map(([{ channel, payload }, keys]): Probe => {
      const extra = keys.map((k) => `"${k}":{"polluted":true,"prototype":{"polluted":true}}`).join(',');
      const text = JSON.stringify(payload);
      const injected =
        payload && typeof payload === 'object' && !Array.isArray(payload)
          ? `{${extra}${text === '{}' ? '' : ','}${text.slice(1)}`
          : `{${extra}}`;
      return { kind: 'proto-keys', frame: (id) => callFrame(id, channel, injected), expect: answer };
    });
  const unknownChannel = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          'constructor',
          '__proto__',
          'toString',
          'hasOwnProperty',
          'valueOf',
          'fs.readFile',
          '',
        ),
        fc.string({ maxLength: 40 }),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(
      ([channel, payload]): Probe => ({
        kind: 'unknown-channel',
        frame: (id) => callFrame(id, channel, JSON.stringify(payload)),
        expect: answer,
      }),
    );
  const refusedEnvelope = fc
    .constantFrom(
      (id: number) => JSON.stringify({ type: 'cast', id, channel: 'app.info', payload: {} }),
      (id: number) => JSON.stringify({ type: 'call', id, channel: 42, payload: {} }),
      (id: number) => JSON.stringify({ type: 'call', id }),
      (id: number) => JSON.stringify({ id, channel: 'app.info' }),
    )
    .map((frame): Probe => ({ kind: 'bad-envelope', frame, expect: answer }));
  const unanswerable = fc
    .constantFrom(
      '{"type":"call","channel":"app.info"}',
      '{"type":"call","id":-1}',
      '{"id":1.5}',
      '[]',
      '42',
      '"call"',
      'null',
    )
    .map((text): Probe => ({ kind: 'no-id', frame: () => text, expect: [CloseCode.badFrame] }));
  const notJson = fc
    .oneof(
      fc.constantFrom('{', '{"type":"call",', 'undefined', "{'a':1}", ''),
      fc.string({ minLength: 1, maxLength: 30 }),
    )
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    })
    .map((text): Probe => ({ kind: 'not-json', frame: () => text, expect: [CloseCode.badFrame] }));
  const invalidUtf8 = fc
    .constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])
    .map(
      (bytes): Probe => ({
        kind: 'invalid-utf8',
        frame: (id) =>
          Buffer.concat([
            Buffer.from(`{"type":"call","id":${id},"channel":"app.info","payload":{"x":"`),
            Buffer.from(bytes),
            Buffer.from('"}}'),
          ]),
        expect: [CloseCode.notUtf8],
      }),
    );
  const binary = generated.map(
    ({ channel, payload }): Probe => ({
      kind: 'binary',
      frame: (id) => Buffer.from(callFrame(id, channel, JSON.stringify(payload))),
      binary: true,
      expect: [CloseCode.binaryFrame],
    }),
  );
  const overLimit = fc.integer({ min: 1, max: 1_000_000 }).map(
    (extra): Probe => ({
      kind: 'over-limit',
      frame: (id) => callFrame(id, 'app.info', JSON.stringify({ x: 'x'.repeat(MAX_FRAME_BYTES + extra) })),
      expect: [CloseCode.tooBig],
    }),
  );

  return fc.oneof(
    { arbitrary: valid, weight: 30 },
    { arbitrary: wrongType, weight: 15 },
    { arbitrary: protoKeys, weight: 8 },
    { arbitrary: refusedEnvelope, weight: 5 },
    { arbitrary: unknownChannel, weight: 5 },
    { arbitrary: deepNesting, weight: 4 },
    { arbitrary: unanswerable, weight: 3 },
    { arbitrary: notJson, weight: 3 },
    { arbitrary: invalidUtf8, weight: 3 },
    { arbitrary: hugeString, weight: 2 },
    { arbitrary: binary, weight: 2 },
    { arbitrary: overLimit, weight: 1 },
  );
}
