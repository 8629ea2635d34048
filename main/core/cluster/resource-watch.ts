import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { Backoff } from './backoff.ts';
import type { Clock } from './clock.ts';
import { sleep } from './clock.ts';
import type { WatchedResource } from './cluster-resources.ts';
import { collectionPath } from './cluster-resources.ts';
import { nextTurn } from './event-loop-turn.ts';
import type { StringPool } from './interned-strings.ts';
import type { KubeHttpClient } from './kube-http-client.ts';
import { KubeApiError, KubeConnectionError } from './kube-http-client.ts';
import { parseListItemsSliced } from './list-items.ts';
import { slimObject } from './slim-objects.ts';

export type StreamState =
  | { phase: 'listing' }
  | { phase: 'watching'; resourceVersion: string }
  | { phase: 'retrying'; reason: string; inMs: number }
  | { phase: 'stopped' };

/** Where a list/watch stream delivers what it sees. */
export interface ResourceWatchSink {
  /**
   * The complete current set of this stream, after a (re)list; a big set may be stored in slices
   * (the promise resolves once all of it is in).
   */
  replace(items: KubeObject[]): void | Promise<void>;
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
  state(state: StreamState): void;
}

export interface ResourceWatchOptions {
  client: KubeHttpClient;
  resource: WatchedResource;
  /** One namespace, or all when absent. */
  namespace?: string;
  clock: Clock;
  backoff: Backoff;
  sink: ResourceWatchSink;
  pageSize?: number;
  /** Asked of the server, so a watch ends cleanly and is renewed before proxies cut it. */
  watchTimeoutSeconds?: number;
  /** Shared by a session's streams: how many may list at once (lists are the memory peaks). */
  listGate?: ListGate;
  /** Where the objects' repeated strings are shared (one pool per cache). */
  strings?: StringPool;
}

export interface ListGate {
  /** Resolves with the release function once a slot is free. */
  acquire(): Promise<() => void>;
}

/** A counting semaphore: a cold start of a big cluster lists a few kinds at a time, not all. */
export function createListGate(slots: number): ListGate {
  let free = slots;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => waiting.push(() => resolve(release)));
    },
  };
}

export interface ResourceWatch {
  stop(): Promise<void>;
}

/** The watch reported 410 Gone: its resourceVersion is too old, only a fresh list helps. */
class ExpiredError extends Error {}

interface ListPage {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
  /** The items are already what the cache keeps (parsed one by one). */
  slim?: boolean;
}

interface WatchEvent {
  type?: string;
  object?: KubeObject & { code?: number; message?: string; reason?: string };
}

function isExpired(err: unknown): boolean {
  return err instanceof ExpiredError || (err instanceof KubeApiError && err.status === 410);
}

/**
 * List, then watch from the list's resourceVersion with bookmarks; on a dropped connection
 * watch again from the last resourceVersion seen (nothing is missed), after a backoff with
 * jitter; on 410 Gone list again. Runs until stopped.
 */
export function startResourceWatch(options: ResourceWatchOptions): ResourceWatch {
  const { client, resource, namespace, clock, backoff, sink, strings } = options;
  const slim = (o: KubeObject) => slimObject(o, resource, strings);
  const pageSize = options.pageSize ?? 1000;
  const timeoutSeconds = options.watchTimeoutSeconds ?? 290;
  const path = collectionPath(resource, namespace);
  const abort = new AbortController();
  let stopped = false;

  async function list(): Promise<string> {
    sink.state({ phase: 'listing' });
    const release = await (options.listGate?.acquire() ?? Promise.resolve(() => {}));
    try {
      return await listPages();
    } finally {
      release();
    }
  }

  async function parsePage(text: string): Promise<ListPage> {
    if (text === '') return {};
    try {
      const parsed = await parseListItemsSliced(text, (o) => slim(o as KubeObject), nextTurn);
      return { ...parsed.envelope, items: parsed.items, slim: true };
    } catch {
      throw new KubeApiError(200, `GET ${path} answered with something that is not JSON`);
    }
  }

  async function listPages(): Promise<string> {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (token) query.set('continue', token);
      // The text comes back unparsed and is parsed here in slices, item by item (a page of Pods
      // is megabytes: one JSON.parse of it would hold the event loop for tens of milliseconds).
      const answer = await client.request<ListPage | string>({
        path: `${path}?${query}`,
        signal: abort.signal,
        parse: (text) => text,
      });
      const page = typeof answer === 'string' ? await parsePage(answer) : answer;
      // A client that ignores `parse` (a test double) answers with the items as they are.
      for (const item of page.items ?? []) items.push(page.slim ? item : slim(item));
      const next = page.metadata?.continue || undefined;
      // A proxy that caches by path answers the same page again: asking on would never end.
      if (next !== undefined && next === token)
        throw new KubeApiError(
          200,
          `GET ${path} answered the continue token it was given: the same page again (does a proxy in between ignore the query?)`,
        );
      token = next;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (token && !stopped);
    if (!stopped) await sink.replace(items);
    return resourceVersion;
  }

  /** The newest resourceVersion seen: kept across errors so a dropped watch resumes where it was. */
  let resourceVersion: string | undefined;

  /** Watches from `resourceVersion` until the stream ends; returns how many object events came. */
  async function watch(): Promise<number> {
    let events = 0;
    const from = resourceVersion ?? '';
    const query = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: from,
      timeoutSeconds: String(timeoutSeconds),
    });
    await client.stream(
      {
        path: `${path}?${query}`,
        signal: abort.signal,
        idleMs: (timeoutSeconds + 30) * 1000,
        // Only now is the watch registered on the server: earlier, "watching" would be a promise.
        onOpen: () => sink.state({ phase: 'watching', resourceVersion: from }),
      },
      (raw) => {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
          throw new KubeConnectionError(
            `the watch of ${path} sent a line that is not a watch event: ${JSON.stringify(raw).slice(0, 80)}`,
          );
        const event = raw as WatchEvent;
        const obj = event.object;
        if (!obj) return;
        if (event.type === 'ERROR') {
          if (obj.code === 410) throw new ExpiredError(obj.message ?? 'resourceVersion too old');
          throw new KubeApiError(obj.code ?? 500, obj.message ?? 'watch error', obj.reason);
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) resourceVersion = rv;
        if (event.type === 'BOOKMARK') return;
        events++;
        if (event.type === 'DELETED') sink.remove(slim(obj));
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') sink.upsert(slim(obj));
      },
    );
    return events;
  }

  const done = (async () => {
    while (!stopped) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await list();
          backoff.reset();
        }
        const started = clock.now();
        const events = await watch();
        if (stopped) break;
        // A server that closes every watch at once must not be hammered in a tight loop.
        if (events === 0 && clock.now() - started < 1000) {
          const inMs = backoff.next();
          sink.state({ phase: 'retrying', reason: 'the server closed the watch at once', inMs });
          await sleep(clock, inMs, abort.signal);
        } else backoff.reset();
      } catch (err) {
        if (stopped) break;
        if (isExpired(err)) {
          resourceVersion = undefined;
          continue;
        }
        const inMs = backoff.next();
        const reason = err instanceof Error ? err.message : String(err);
        sink.state({ phase: 'retrying', reason, inMs });
        await sleep(clock, inMs, abort.signal);
      }
    }
    sink.state({ phase: 'stopped' });
  })();

  return {
    async stop() {
      stopped = true;
      abort.abort();
      await done;
    },
  };
}
