import type { EventName, events } from '../../../shared/api/contract.ts';

// Every event main pushes is checked before a store sees it: a renderer bug should not be fed a
// malformed payload. Most go through their zod schema. `services.changed` is the exception: after a
// full read of a 50,000-service cluster it carries every service at once, and zod took 40–150 ms
// over that (a long task, while the operator types or waits for a confirmation). It comes from
// main's own release index over a trusted transport, so it is checked structurally instead: the
// fields the services store sorts, keys and searches by must be strings, in linear time with no
// copy. The rest of a summary is only shown (React renders any value as text or not at all).
// The schemas are loaded after the first screen (event-gate.ts): this module imports them as a
// type only, so that zod stays off the first screen (issue 13).

/** The contract's event schemas (shared/api/contract.ts), once loaded. */
export type EventSchemas = typeof events;

type Check = (payload: unknown) => boolean;

const isString = (x: unknown): x is string => typeof x === 'string';
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function isListedService(x: unknown): boolean {
  return (
    isRecord(x) && isString(x.releaseId) && isString(x.namespace) && isString(x.name) && isString(x.host)
  );
}

export function servicesChangedShape(payload: unknown): boolean {
  if (!isRecord(payload) || !isString(payload.contextId)) return false;
  const { upserts, removed } = payload;
  if (!Array.isArray(upserts) || !Array.isArray(removed)) return false;
  for (const u of upserts) if (!isListedService(u)) return false;
  for (const id of removed) if (!isString(id)) return false;
  return true;
}

const structural: Partial<Record<EventName, Check>> = { 'services.changed': servicesChangedShape };

/**
 * The payload a listener may be given, or undefined when it is malformed. Without the schemas
 * (they could not be loaded) only an event with a structural check can pass.
 */
export function checkedEvent(schemas: EventSchemas | undefined, event: EventName, payload: unknown): unknown {
  const check = structural[event];
  if (check) return check(payload) ? payload : undefined;
  const parsed = schemas?.[event].safeParse(payload);
  return parsed?.success ? parsed.data : undefined;
}
