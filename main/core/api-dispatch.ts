import type {
  CallName,
  CallRequest,
  CallResponse,
  EventName,
  EventPayload,
} from '../../shared/api/contract.ts';
import { calls, events, isCallName } from '../../shared/api/contract.ts';
import type { ApiResult } from '../../shared/api/errors.ts';
import { ApiFailure, describeZodIssues, fail, ok } from '../../shared/api/errors.ts';
import { formatBytes, jsonBytesUpTo, MAX_CALL_PAYLOAD_BYTES } from '../../shared/api/limits.ts';
import { apiFailureOf } from './handlers/api-failures.ts';

/**
 * Who made a call: one page of browser mode (one WebSocket) or one Electron window (one
 * webContents). State that belongs to a page, such as its live metrics, is kept per caller.
 */
export interface Caller {
  clientId: string;
}

/** The caller of calls made inside main (tests, the CLI): one client of its own. */
export const LOCAL_CALLER: Caller = { clientId: 'local' };

/** One function per call in the contract; request already validated, response validated after. */
export type ApiHandlers = {
  [C in CallName]: (request: CallRequest<C>, caller?: Caller) => Promise<CallResponse<C>>;
};

/** `to`: the client the event is for (its own metrics); absent, every client gets it. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>, to?: string) => void;

/**
 * The single entry point both transports use: checks the channel and the payload against the
 * contract, runs the handler, checks what it returns, and turns every failure into a typed value.
 */
export async function dispatchCall(
  handlers: ApiHandlers,
  channel: unknown,
  payload: unknown,
  caller: Caller = LOCAL_CALLER,
): Promise<ApiResult<unknown>> {
  if (!isCallName(channel)) {
    return fail('unknown-channel', `'${String(channel)}' is not a call in the Switchyard contract`);
  }
  // The same limit on both transports: what Electron IPC accepts also fits a browser-mode frame.
  if (jsonBytesUpTo(payload ?? {}, MAX_CALL_PAYLOAD_BYTES) > MAX_CALL_PAYLOAD_BYTES) {
    return fail(
      'invalid-request',
      `${channel}: the call carries more than ${formatBytes(MAX_CALL_PAYLOAD_BYTES)}, the most one call may carry`,
    );
  }
  const schema = calls[channel];
  const request = schema.request.safeParse(payload ?? {});
  if (!request.success) {
    return fail('invalid-request', `${channel}: ${describeZodIssues(request.error)}`, {
      issues: request.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  let value: unknown;
  try {
    const handler = handlers[channel] as (req: unknown, caller: Caller) => Promise<unknown>;
    value = await handler(request.data, caller);
  } catch (thrown) {
    const err = apiFailureOf(thrown);
    if (err instanceof ApiFailure) return fail(err.code, err.message, err.details);
    const message = err instanceof Error ? err.message : String(err);
    return fail('internal', `${channel} failed: ${message}`);
  }
  const response = schema.response.safeParse(value);
  if (!response.success) {
    return fail(
      'invalid-response',
      `${channel} answered outside the contract: ${describeZodIssues(response.error)}`,
    );
  }
  return ok(response.data);
}

/** Validates an event before it leaves main; a bad payload is a bug, so it throws here, loudly. */
export function checkEvent<E extends EventName>(event: E, payload: EventPayload<E>): EventPayload<E> {
  return events[event].parse(payload) as EventPayload<E>;
}
