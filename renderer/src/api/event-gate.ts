import type { EventName } from '../../../shared/api/contract.ts';
import { checkedEvent, type EventSchemas } from './event-checks.ts';

// The contract's zod schemas are not on the first screen (evaluating zod and every schema cost
// ~70 ms before the first paint, issue 13): they are imported once it has painted, or when an
// event has waited EARLY_EVENT_LOAD_MS for them. An event that comes before they are there is
// held, with every event after it, in one queue in arrival order; when they load, the queue is
// checked and delivered in that order, and events are checked and delivered synchronously from then on. So no event reaches a
// listener unchecked, none is lost, and none overtakes another (not even a `services.changed`,
// whose check needs no schema: a store may depend on the order of different events).

/** Imports the event schemas; its own chunk, with zod (renderer/zod-alias.ts comes with it). */
export type LoadEventSchemas = () => Promise<EventSchemas>;

export const loadEventSchemas: LoadEventSchemas = () =>
  import('../../../shared/api/contract.ts').then((m) => m.events);

/**
 * How long an event that came before the first screen waits for main.tsx to load the schemas
 * before it loads them itself. In browser mode the page's socket opens before the app runs
 * (socket-boot.js), so the server's first events come while the first screen is still being
 * built; loading zod for them at once put its ~70 ms back before the first paint.
 */
export const EARLY_EVENT_LOAD_MS = 300;

export interface EventGate {
  /** Gives `deliver` the checked payload (never a malformed one): at once, or when the schemas are there. */
  pass(event: EventName, payload: unknown, deliver: (checked: unknown) => void): void;
  /** Starts loading the schemas (once); settles when they are there and held events delivered, or failed. */
  load(): Promise<void>;
}

interface Held {
  event: EventName;
  payload: unknown;
  deliver: (checked: unknown) => void;
}

export function eventGate(loadSchemas: LoadEventSchemas = loadEventSchemas): EventGate {
  let schemas: EventSchemas | undefined;
  let open = false;
  let loading: Promise<void> | undefined;
  let waiting: ReturnType<typeof setTimeout> | undefined;
  const held: Held[] = [];

  const deliverChecked = ({ event, payload, deliver }: Held) => {
    const checked = checkedEvent(schemas, event, payload);
    if (checked !== undefined) deliver(checked);
  };

  // Events a listener pushes while the queue drains join its end, so order still holds.
  const drain = () => {
    for (let i = 0; i < held.length; i++) {
      const next = held[i] as Held;
      try {
        deliverChecked(next);
      } catch (error) {
        // A listener that throws must not strand the events after it; its error is still reported.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    held.length = 0;
    open = true;
  };

  const load = () => {
    if (waiting !== undefined) clearTimeout(waiting);
    loading ??= loadSchemas().then(
      (loaded) => {
        schemas = loaded;
        drain();
      },
      (error: unknown) => {
        // Never delivered unchecked: without the schemas an event is malformed for all we know.
        // services.changed keeps its structural check and still passes.
        console.error(
          'Switchyard could not load the event schemas: events other than services.changed are dropped as unchecked.',
          error,
        );
        drain();
      },
    );
    return loading;
  };

  return {
    pass(event, payload, deliver) {
      if (open) {
        deliverChecked({ event, payload, deliver });
        return;
      }
      held.push({ event, payload, deliver });
      waiting ??= setTimeout(() => void load(), EARLY_EVENT_LOAD_MS);
    },
    load,
  };
}
