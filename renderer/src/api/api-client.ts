import type {
  CallName,
  CallRequest,
  CallResponse,
  EventName,
  EventPayload,
} from '../../../shared/api/contract.ts';
import type { ApiResult } from '../../../shared/api/errors.ts';
import { takeBootSocket } from './boot-socket.ts';
import { electronTransport } from './electron-transport.ts';
import { eventGate, type LoadEventSchemas } from './event-gate.ts';
import type { Transport } from './transport.ts';
import { websocketTransport } from './websocket-transport.ts';

/** The typed face of the contract for the renderer. */
export interface ApiClient {
  call<C extends CallName>(channel: C, request: CallRequest<C>): Promise<ApiResult<CallResponse<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Loads the event schemas now, if not yet (main.tsx asks once the first screen painted; the
   * first event asks too). Settles when events are checked and delivered as they come.
   */
  loadEventChecks(): Promise<void>;
  transport: Transport;
}

/** `loadSchemas`: how the event schemas are imported (a test gives its own, to say when). */
export function createApiClient(transport: Transport, loadSchemas?: LoadEventSchemas): ApiClient {
  // One gate for all listeners: its queue keeps every event's order while the schemas load.
  const gate = eventGate(loadSchemas);
  return {
    transport,
    call: (channel, request) => transport.call(channel, request) as never,
    on(event, listener) {
      // Events are checked here too (event-checks.ts says how, and why one is checked by shape;
      // event-gate.ts why one may wait for its schema).
      let subscribed = true;
      const off = transport.on(event, (payload) =>
        gate.pass(event, payload, (checked) => {
          // An event held while the schemas loaded is not given to a listener that has left since.
          if (subscribed) listener(checked as never);
        }),
      );
      return () => {
        subscribed = false;
        off();
      };
    },
    loadEventChecks: gate.load,
  };
}

/** Electron when the preload bridge is present, else browser mode with the token from the page URL. */
export function connectFromEnvironment(): ApiClient {
  if (window.switchyard) return createApiClient(electronTransport(window.switchyard));
  // The token stays in the URL (as Jupyter does) so that a reload still reaches the page.
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const url = `ws://${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return createApiClient(websocketTransport(url, takeBootSocket()));
}
