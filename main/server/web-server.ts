import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { ApiHandlers, EventSink } from '../core/api-dispatch.ts';
import {
  type FirstScreen,
  firstScreenWithin,
  pageAroundRoot,
  rootWithFirstScreen,
} from './first-screen-page.ts';
import { firstScriptsTracker } from './first-scripts.ts';
import type { SocketLayer } from './socket-layer.ts';
import { readStaticFile } from './static-files.ts';

export interface WebServerOptions {
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** May come later (the web command loads the contract after the server listens). */
  handlers: ApiHandlers | Promise<ApiHandlers>;
  /** Each socket is one page and subscribes as its own client; the unsubscribe runs when it closes. */
  subscribe: (sink: EventSink, clientId: string) => () => void;
  port?: number;
  /** Defaults to a fresh random token; SWITCHYARD_TOKEN is read by the web command, not here. */
  token?: string;
  /**
   * Called once, when the page's first scripts (its entry and the chunks index.html preloads)
   * have all been handed out: the page now runs its bundle
   * and soon opens the socket, so the caller may load what the socket's calls need.
   */
  onPageScript?: () => void;
  /**
   * Called once, when the page asks for a script that is not one of its first (a lazy screen's
   * chunk): the renderer preloads those only once its cluster list has painted
   * (renderer/src/app/screen-preload.ts), so the first screen is on screen.
   */
  onPagePainted?: () => void;
  /**
   * The first screen for a page about to be served (first-screen-page.ts): its first calls'
   * answers and the screen rendered from them. The page waits for it at most
   * FIRST_SCREEN_LIMIT_MS, and without it (undefined, failed, late) is served as it is.
   */
  firstScreen?: () => Promise<FirstScreen | undefined>;
  /** How long a page waits for its first screen (default FIRST_SCREEN_LIMIT_MS). */
  firstScreenLimitMs?: number;
  /** Loads the socket layer's module (default: imports socket-layer.ts; main/commands/web-core-loader.ts for the web command). */
  loadSocketLayer?: () => Promise<Pick<typeof import('./socket-layer.ts'), 'createSocketLayer'>>;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** How long a page waits for its first screen before it is served without (its app then asks). */
export const FIRST_SCREEN_LIMIT_MS = 1500;

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's URL, or undefined when its target is none (`//[`): a 400, never a throw. */
function urlOf(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Browser mode: the built renderer and the contract over one WebSocket, on 127.0.0.1 only.
 * The page needs the token in its URL; the socket needs the token, a loopback Host (against DNS
 * rebinding) and an Origin of this very server (against other pages in the same browser).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? generateToken();
  const root = resolve(options.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      // A request that fails (an unreadable asset) answers 500; it never ends the process. One
      // whose page was already partly sent is cut off: error text must not land inside it.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`internal error: ${(err as Error).message}\n`);
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse) {
    const url = urlOf(req);
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('the request target is not a URL\n');
      return;
    }
    const baseHeaders = {
      'Content-Security-Policy': contentSecurityPolicy(port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Switchyard answers only on 127.0.0.1\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!sameSecret(url.searchParams.get('token'), token)) {
        res
          .writeHead(401, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
          .end(
            'Switchyard: this page needs the token printed by `switchyard web`. Open the full URL it printed.\n',
          );
        return;
      }
      const index = await readStaticFile(root, 'index.html');
      if (!index) {
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end(`renderer not built: ${root}/index.html is missing\n`);
        return;
      }
      const html = index.body.toString();
      firstScripts.pageRead(html);
      // A HEAD (a probe, `curl -I`) gets the plain page's headers: no calls, no render, and the
      // demo's start is not held for a page that is not coming.
      const parts = options.firstScreen && req.method === 'GET' ? pageAroundRoot(html) : undefined;
      if (!options.firstScreen || !parts) {
        res.writeHead(200, { ...baseHeaders, 'Content-Type': index.contentType }).end(index.body);
        return;
      }
      // The head goes out at once, so the browser fetches the styles and scripts while the first
      // screen renders; the rest follows with it.
      res.writeHead(200, { ...baseHeaders, 'Content-Type': index.contentType }).write(parts.before);
      const first = await firstScreenWithin(
        options.firstScreen,
        options.firstScreenLimitMs ?? FIRST_SCREEN_LIMIT_MS,
      );
      res.end(rootWithFirstScreen(first) + parts.after);
      return;
    }
    // Assets carry no data, only the bundle: they are served without the token.
    const file = await readStaticFile(root, url.pathname);
    if (!file) {
      res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    if (url.pathname.endsWith('.js'))
      res.once('finish', () => {
        if (!paintedTold && firstScripts.isLater(url.pathname)) {
          paintedTold = true;
          options.onPagePainted?.();
        }
        firstScripts.scriptServed(url.pathname);
      });
    res
      .writeHead(200, { ...baseHeaders, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' })
      .end(file.body);
  }

  // The socket layer (ws, zod, the contract) loads once a page has its script, or at the first
  // socket: loading it evaluates zod's schemas on this thread for a few hundred milliseconds, and
  // while it did so at listen the page's HTML and bundle waited for it. Now the bundle is sent
  // first, and the page runs it while the layer loads.
  // With the first screen split into an entry and preloaded chunks, the layer waits for them all:
  // loading it after the first one held the others back (~360 ms once in five runs).
  const firstScripts = firstScriptsTracker(() => {
    void (layer ?? loadLayer()).catch(() => {});
    options.onPageScript?.();
  });

  let layer: Promise<SocketLayer> | undefined;
  let paintedTold = false;

  server.on('upgrade', (req, socket, head) => {
    // A peer that resets the connection mid-handshake must not take the process with it.
    socket.on('error', () => socket.destroy());
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // Thrown here, in the 'upgrade' listener, an error would end the process: before any check.
    const url = urlOf(req);
    if (!url) return reject(400, 'Bad Request');
    if (url.pathname !== '/api') return reject(404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(421, 'Misdirected Request');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return reject(403, 'Forbidden');
    if (!sameSecret(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized');
    void (layer ?? loadLayer()).then(
      (l) => l.handleUpgrade(req, socket, head),
      () => reject(500, 'Internal Server Error'),
    );
  });
  const loadLayer = () => {
    const loadModule = options.loadSocketLayer ?? (() => import('./socket-layer.ts'));
    layer = Promise.all([loadModule(), options.handlers]).then(([{ createSocketLayer }, handlers]) =>
      createSocketLayer({ handlers, subscribe: options.subscribe }),
    );
    return layer;
  };

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    async close() {
      (await layer?.catch(() => undefined))?.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
