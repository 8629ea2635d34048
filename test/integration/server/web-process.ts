// A running `switchyard web --demo` (bin/switchyard.mjs, its own process) with a throwaway data
// folder, no kubeconfig of the machine's, a fixed token and a stand-in renderer, plus a socket
// client that speaks to it as the page does (same Origin, token in the URL).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { spawnSwitchyard } from '../../e2e/switchyard-process.ts';

const root = resolve(import.meta.dirname, '../../..');
export const WEB_TOKEN = 'fuzz-token-0123456789abcdef';

export interface WebProcess {
  port: number;
  /** Whether the process is still running (it has not exited or crashed). */
  alive(): boolean;
  connect(): Promise<PageSocket>;
  stop(): Promise<void>;
}

/** `extraArgs`: more of `switchyard web`'s options (`--clusters 3`). */
export async function startWebProcess(extraArgs: string[] = []): Promise<WebProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-web-process-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Switchyard</title>');
  const proc = await spawnSwitchyard({
    root,
    args: ['web', '--demo', '--renderer', renderer, ...extraArgs],
    env: {
      ...process.env,
      SWITCHYARD_DATA_DIR: join(dir, 'data'),
      SWITCHYARD_TOKEN: WEB_TOKEN,
      KUBECONFIG: join(dir, 'no-kubeconfig'),
    },
    ready: /ready: http:\/\/127\.0\.0\.1:(\d+)\//,
  });
  const port = Number(proc.readyValue);
  return {
    port,
    alive: () => proc.process.exitCode === null && proc.process.signalCode === null,
    connect: () => PageSocket.open(port),
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What became of one frame: its answer, the socket's close, or nothing within the time allowed. */
export type Outcome =
  | { kind: 'result'; result: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'silent' };

/** One socket to the server, as the page opens it. */
export class PageSocket {
  private readonly waiters = new Map<number, (outcome: Outcome) => void>();
  private closeWaiters: Array<(outcome: Outcome) => void> = [];
  private nextId = 1;
  closed: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number; result?: unknown };
      if (frame.type !== 'result' || frame.id === undefined) return;
      this.waiters.get(frame.id)?.({ kind: 'result', result: frame.result as never });
      this.waiters.delete(frame.id);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      const outcome: Outcome = { kind: 'closed', ...this.closed };
      for (const w of this.waiters.values()) w(outcome);
      for (const w of this.closeWaiters) w(outcome);
      this.waiters.clear();
      this.closeWaiters = [];
    });
    ws.on('error', () => {});
  }

  static open(port: number): Promise<PageSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${WEB_TOKEN}`, {
      origin: `http://127.0.0.1:${port}`,
      maxPayload: 256 * 1024 * 1024,
    });
    return new Promise((resolveOpen, rejectOpen) => {
      ws.once('open', () => resolveOpen(new PageSocket(ws)));
      ws.once('error', rejectOpen);
    });
  }

  /** A fresh id for a frame (ids are per socket). */
  id(): number {
    return this.nextId++;
  }

  /**
   * Sends `frame` as it is (text, or binary) and waits for the answer to `id` (when the frame has
   * one the server can read) or for the socket to close.
   */
  exchange(
    frame: string | Buffer,
    opts: { id?: number; binary?: boolean; timeoutMs?: number },
  ): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ kind: 'closed', ...this.closed });
    return new Promise((resolveOutcome) => {
      const timer = setTimeout(() => done({ kind: 'silent' }), opts.timeoutMs ?? 30_000);
      const done = (outcome: Outcome) => {
        clearTimeout(timer);
        if (opts.id !== undefined) this.waiters.delete(opts.id);
        this.closeWaiters = this.closeWaiters.filter((w) => w !== done);
        resolveOutcome(outcome);
      };
      if (opts.id !== undefined) this.waiters.set(opts.id, done);
      this.closeWaiters.push(done);
      this.ws.send(frame, { binary: opts.binary ?? false });
    });
  }

  /** One well-formed call. */
  async call(channel: string, payload: unknown, timeoutMs?: number): Promise<Outcome> {
    const id = this.id();
    return this.exchange(JSON.stringify({ type: 'call', id, channel, payload }), {
      id,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  close(): void {
    this.ws.close();
  }
}
