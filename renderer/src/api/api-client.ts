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
import { checkedEvent } from './event-checks.ts';
import type { Transport } from './transport.ts';
import { websocketTransport } from './websocket-transport.ts';

/** The typed face of the contract for the renderer. */
export interface ApiClient {
  call<C extends CallName>(channel: C, request: CallRequest<C>): Promise<ApiResult<CallResponse<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  transport: Transport;
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    transport,
    call: (channel, request) => transport.call(channel, request) as never,
    on(event, listener) {
      // Events are checked here too (event-checks.ts says how, and why one is checked by shape).
      return transport.on(event, (payload) => {
        const checked = checkedEvent(event, payload);
        if (checked !== undefined) listener(checked as never);
      });
    },
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
