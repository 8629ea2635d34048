import { API_ERROR_CODES } from '../../../shared/api/error-codes.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import type { ServerFrame } from '../../../shared/api/ws-protocol.ts';

// The browser-mode socket's frames, checked by hand: the transport is on the first screen, and
// the zod schema (ServerFrame in ws-protocol.ts) would bring zod and the contract's schemas with
// it (issue 13). It accepts what that schema accepts and gives the same copy: a property test
// (test/unit/renderer/server-frame.test.ts) holds the two together. As zod does, a key counts
// when it is `in` the object (a JSON text gives own keys only), an absent `value`, `payload` or
// error `message` is refused, and keys the schema does not name are left out of the copy.

type Fields = Record<string, unknown>;

const errorCodes: ReadonlySet<unknown> = new Set(API_ERROR_CODES);

/** What zod's z.object takes: an object that is not an array (null is not one either). */
function isFields(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function resultOf(x: unknown): ApiResult<unknown> | undefined {
  if (!isFields(x)) return undefined;
  if (x.ok === true) return 'value' in x ? { ok: true, value: x.value } : undefined;
  if (x.ok !== false) return undefined;
  const error = x.error;
  if (!isFields(error) || !errorCodes.has(error.code) || typeof error.message !== 'string') return undefined;
  const code = error.code as (typeof API_ERROR_CODES)[number];
  // `details` is optional: kept when the key is there (even as undefined), as zod keeps it.
  return {
    ok: false,
    error:
      'details' in error
        ? { code, message: error.message, details: error.details }
        : { code, message: error.message },
  };
}

/** A frame from the server in the shape the protocol allows, or undefined when it is not one. */
export function serverFrameOf(x: unknown): ServerFrame | undefined {
  if (!isFields(x)) return undefined;
  if (x.type === 'result') {
    // z.number().int(): a safe integer (so no NaN, no infinity, nothing past 2^53 - 1).
    if (!Number.isSafeInteger(x.id)) return undefined;
    const result = resultOf(x.result);
    return result && { type: 'result', id: x.id as number, result };
  }
  if (x.type === 'event') {
    if (typeof x.event !== 'string' || !('payload' in x)) return undefined;
    return { type: 'event', event: x.event, payload: x.payload };
  }
  return undefined;
}

/** A WebSocket message's text as a server frame; undefined for text that is not JSON or no frame. */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return serverFrameOf(data);
}
