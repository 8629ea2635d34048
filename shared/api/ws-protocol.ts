import { z } from 'zod';
import { ResultEnvelope } from './contract.ts';

// Browser mode frames on the one WebSocket. The channel name is checked against the contract by
// the dispatcher, not here, so an unknown channel gets its own typed error.

export const ClientFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  payload: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int(), result: ResultEnvelope }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Close codes the server uses, so the page can tell the operator why the socket went away. */
export const CloseCode = {
  badToken: 4401,
  badOrigin: 4403,
  badFrame: 4400,
} as const;
