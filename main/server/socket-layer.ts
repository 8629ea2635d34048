// The contract over the WebSocket: loaded by web-server.ts once it listens, so the page's HTML and
// bundle are served while `ws`, zod and the contract's schemas load (they are only needed when the
// page, its bundle run, opens the socket).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { fail } from '../../shared/api/errors.ts';
import { MAX_FRAME_BYTES } from '../../shared/api/limits.ts';
import { CloseCode, closeReasons, closeReasonText, type ServerFrame } from '../../shared/api/ws-protocol.ts';
import { type ApiHandlers, dispatchCall, type EventSink } from '../core/api-dispatch.ts';
import { readFrame } from './client-frames.ts';

export interface SocketLayer {
  /** Takes over an upgrade request already checked (path, Host, Origin, token). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function createSocketLayer(options: {
  handlers: ApiHandlers;
  subscribe: (sink: EventSink, clientId: string) => () => void;
}): SocketLayer {
  // Frames over the contract's own call limit are refused by the WebSocket layer before they are
  // buffered whole; every close it makes carries a reason (see SocketWithReasons).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    WebSocket: SocketWithReasons,
  });

  let pages = 0;
  function serveSocket(ws: WebSocket) {
    // One socket is one page: what it subscribes to is its own, and goes when the socket does.
    const caller = { clientId: `page-${++pages}` };
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = options.subscribe((event, payload, to) => {
      if (to === undefined || to === caller.clientId) send({ type: 'event', event, payload });
    }, caller.clientId);
    ws.on('close', unsubscribe);
    // What the WebSocket layer refuses (too big, not UTF-8, a protocol error) has already closed
    // this socket with its code and reason (ws ends the connection once the peer answers, or after
    // its close timeout): the error is this socket's alone, never the process's.
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return ws.close(CloseCode.binaryFrame);
      const frame = readFrame(data);
      if (frame.kind === 'unanswerable') return ws.close(CloseCode.badFrame, closeReasonText(frame.reason));
      if (frame.kind === 'refused') {
        send({ type: 'result', id: frame.id, result: fail('invalid-request', frame.reason) });
        return;
      }
      const { id, channel, payload } = frame.call;
      dispatchCall(options.handlers, channel, payload, caller).then(
        (result) => send({ type: 'result', id, result }),
        (err) => send({ type: 'result', id, result: fail('internal', String(err)) }),
      );
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

/** A server-side socket whose closes always carry a reason: the `ws` layer closes with a code only. */
class SocketWithReasons extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    const reason = data === undefined && code !== undefined ? closeReasons[code] : undefined;
    super.close(code, reason ?? data);
  }
}
