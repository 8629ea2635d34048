import type { RawData } from 'ws';
import { describeZodIssues } from '../../shared/api/errors.ts';
import { ClientFrame } from '../../shared/api/ws-protocol.ts';

/**
 * One text message from the page, read as a call frame:
 * - `call`: a frame of the protocol, for the dispatcher (which checks channel and payload);
 * - `refused`: not a valid frame but it names an id, so the caller is answered with a typed error;
 * - `unanswerable`: no id to answer (not JSON, not an object): the socket is closed with the reason.
 */
export type ReadFrame =
  | { kind: 'call'; call: ClientFrame }
  | { kind: 'refused'; id: number; reason: string }
  | { kind: 'unanswerable'; reason: string };

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export function readFrame(data: RawData): ReadFrame {
  let value: unknown;
  try {
    value = JSON.parse(text(data));
  } catch (err) {
    return { kind: 'unanswerable', reason: `malformed frame: not JSON (${(err as Error).message})` };
  }
  const parsed = ClientFrame.safeParse(value);
  if (parsed.success) return { kind: 'call', call: parsed.data };
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)
    return { kind: 'refused', id, reason: `not a call frame: ${describeZodIssues(parsed.error)}` };
  return { kind: 'unanswerable', reason: `malformed frame: ${describeZodIssues(parsed.error)}` };
}
