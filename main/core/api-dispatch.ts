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

/** One function per call in the contract; request already validated, response validated after. */
export type ApiHandlers = {
  [C in CallName]: (request: CallRequest<C>) => Promise<CallResponse<C>>;
};

export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * The single entry point both transports use: checks the channel and the payload against the
 * contract, runs the handler, checks what it returns, and turns every failure into a typed value.
 */
export async function dispatchCall(
  handlers: ApiHandlers,
  channel: unknown,
  payload: unknown,
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
    const handler = handlers[channel] as (req: unknown) => Promise<unknown>;
    value = await handler(request.data);
  } catch (err) {
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
