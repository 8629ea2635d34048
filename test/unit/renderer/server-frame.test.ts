import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerFrame, serverFrameOf } from '../../../renderer/src/api/server-frame.ts';
import { API_ERROR_CODES } from '../../../shared/api/error-codes.ts';
import { ServerFrame } from '../../../shared/api/ws-protocol.ts';

// The renderer checks the socket's frames by hand (no zod on the first screen); these hold the
// check to the zod schema the server's side still uses: the same frames pass, with the same copy.

const zodCopy = (x: unknown) => {
  const parsed = ServerFrame.safeParse(x);
  return parsed.success ? parsed.data : undefined;
};

const ok = { type: 'result', id: 7, result: { ok: true, value: { a: 1 } } };
const failed = { type: 'result', id: 8, result: { ok: false, error: { code: 'conflict', message: 'm' } } };
const event = { type: 'event', event: 'apply.progress', payload: { planId: 'p' } };

describe('the hand-written server frame check', () => {
  it('passes the three frames the server sends, as copies holding what the schema names', () => {
    expect(serverFrameOf(ok)).toStrictEqual(ok);
    expect(serverFrameOf(failed)).toStrictEqual(failed);
    expect(serverFrameOf(event)).toStrictEqual(event);
    const withExtras = { ...ok, extra: 1, result: { ...ok.result, more: 2 } };
    expect(serverFrameOf(withExtras)).toStrictEqual(ok);
    const details = {
      ...failed,
      result: { ok: false, error: { code: 'internal', message: 'm', details: [1] } },
    };
    expect(serverFrameOf(details)).toStrictEqual(details);
    // zod keeps an optional key that is there as undefined (an object built in-process can have one).
    const undefinedDetails = {
      ...failed,
      result: { ok: false, error: { ...failed.result.error, details: undefined } },
    };
    expect(serverFrameOf(undefinedDetails)).toStrictEqual(zodCopy(undefinedDetails));
    expect(serverFrameOf(undefinedDetails)).toStrictEqual(undefinedDetails);
  });

  it.each([
    ['null', null],
    ['an array', [ok]],
    ['a string', 'result'],
    ['no type', { id: 1, result: ok.result }],
    ['an unknown type', { ...ok, type: 'call' }],
    ['a string id', { ...ok, id: '7' }],
    ['a fractional id', { ...ok, id: 1.5 }],
    ['an id past 2^53 - 1', { ...ok, id: 2 ** 53 }],
    ['a huge id', { ...ok, id: 1e300 }],
    ['no id', { type: 'result', result: ok.result }],
    ['a result that is an array', { ...ok, result: [] }],
    ['a result that is null', { ...ok, result: null }],
    ['ok that is not a boolean', { ...ok, result: { ok: 'true', value: 1 } }],
    ['ok without a value', { ...ok, result: { ok: true } }],
    ['a failure without an error', { ...ok, result: { ok: false } }],
    ['an error that is an array', { ...ok, result: { ok: false, error: [] } }],
    ['an unknown error code', { ...ok, result: { ok: false, error: { code: 'teapot', message: 'm' } } }],
    [
      'an error code from the prototype',
      { ...ok, result: { ok: false, error: { code: 'toString', message: 'm' } } },
    ],
    [
      'an error message that is not a string',
      { ...ok, result: { ok: false, error: { code: 'internal', message: 1 } } },
    ],
    ['an event name that is not a string', { ...event, event: 7 }],
    ['an event without a payload', { type: 'event', event: 'e' }],
  ])('refuses a frame with %s, as the zod schema does', (_, frame) => {
    expect(serverFrameOf(frame)).toBeUndefined();
    expect(zodCopy(frame)).toBeUndefined();
  });

  it('reads prototype keys in a JSON text as the plain keys they are', () => {
    const text =
      '{"type":"event","event":"__proto__","payload":{"__proto__":{"polluted":1}},"__proto__":{"type":"x"}}';
    const frame = parseServerFrame(text);
    expect(frame).toStrictEqual(zodCopy(JSON.parse(text)));
    expect(frame).toMatchObject({ type: 'event', event: '__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const inheritedType = JSON.parse('{"__proto__":{"type":"event","event":"e","payload":1}}');
    expect(parseServerFrame('{"__proto__":{"type":"event","event":"e","payload":1}}')).toBeUndefined();
    expect(zodCopy(inheritedType)).toBeUndefined();
  });

  it('drops a message that is not JSON instead of throwing', () => {
    expect(parseServerFrame('{"type":')).toBeUndefined();
    expect(parseServerFrame('')).toBeUndefined();
  });

  it('accepts and copies exactly what the zod schema does, over generated frames', () => {
    const anyValue = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.string({ maxLength: 4 }),
      fc.double(),
      fc.integer(),
      fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 53 - 1, 0, -0, 1e21),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
    );
    // Each field is mostly plausible (so that most frames get past the first check), else
    // anything at all, and may be missing.
    const field = <T>(plausible: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: plausible, weight: 5 }, { arbitrary: anyValue, weight: 1 });
    const error = fc.record(
      {
        code: field(fc.constantFrom(...API_ERROR_CODES, 'teapot', 'toString', 'constructor')),
        message: field(fc.string({ maxLength: 5 })),
        details: fc.oneof(fc.constant(undefined), anyValue),
        extra: anyValue,
      },
      { requiredKeys: [] },
    );
    const result = fc.record(
      { ok: field(fc.boolean()), value: anyValue, error: field(error), extra: anyValue },
      { requiredKeys: [] },
    );
    const frame = fc.record(
      {
        type: field(fc.constantFrom('result', 'event', 'call')),
        id: field(fc.integer()),
        result: field(result),
        event: field(fc.string({ maxLength: 5 })),
        payload: anyValue,
        extra: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(frame, anyValue, fc.array(frame, { maxLength: 1 })), (x) => {
        expect(serverFrameOf(x)).toStrictEqual(zodCopy(x));
      }),
      { numRuns: 20_000 },
    );
    // And over JSON texts, what the transport is given: any JSON value, and frames sent as text.
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          frame.map((f) => JSON.stringify(f)),
        ),
        (text) => {
          expect(parseServerFrame(text)).toStrictEqual(zodCopy(JSON.parse(text)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
