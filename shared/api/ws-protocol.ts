import { z } from 'zod';
import { ResultEnvelope } from './contract.ts';
import { lazySchema } from './lazy-schema.ts';
import { formatBytes, MAX_FRAME_BYTES, utf8Bytes } from './limits.ts';

// Browser mode frames on the one WebSocket. The channel name is checked against the contract by
// the dispatcher, not here, so an unknown channel gets its own typed error.

export const ClientFrame = lazySchema(() =>
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    channel: z.string(),
    payload: z.unknown(),
  }),
);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('result'), id: z.number().int(), result: ResultEnvelope }),
    z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  ]),
);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Close codes the server uses, so the page can tell the operator why the socket went away. */
export const CloseCode = {
  badToken: 4401,
  badOrigin: 4403,
  /** A message that is not a call frame and carries no id to answer. */
  badFrame: 4400,
  /** RFC 6455 codes, for what the WebSocket layer refuses before any frame is read. */
  protocolError: 1002,
  binaryFrame: 1003,
  notUtf8: 1007,
  tooBig: 1009,
} as const;

/**
 * The text sent with each close code the WebSocket layer closes with (it gives none by itself);
 * at most 123 bytes, as the protocol allows.
 */
export const closeReasons: Readonly<Record<number, string>> = {
  [CloseCode.protocolError]: 'WebSocket protocol error',
  [CloseCode.binaryFrame]: 'binary messages are not part of the Switchyard protocol; send JSON text',
  [CloseCode.notUtf8]: 'a text message that is not valid UTF-8',
  [CloseCode.tooBig]: `a message over ${formatBytes(MAX_FRAME_BYTES)}, the most one call may carry`,
};

/** A close reason cut to the 123 bytes a close frame holds. */
export function closeReasonText(text: string): string {
  if (utf8Bytes(text) <= 123) return text;
  let out = text;
  while (utf8Bytes(out) > 120) out = out.slice(0, -1);
  return `${out}…`;
}
