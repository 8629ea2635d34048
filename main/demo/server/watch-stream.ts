// Watch: a chunked stream of JSON events, resumable from a resourceVersion inside the store's
// event window (older → an ERROR event with a 410 Status, as kube-apiserver does), with
// bookmarks, sendInitialEvents and timeoutSeconds.
import type { ServerResponse } from 'node:http';
import type { DemoFaults } from '../faults.ts';
import { statusErrors } from '../store/kube-status-error.ts';
import type { MemoryObjectStore } from '../store/memory-object-store.ts';
import type { LoggedEvent } from '../store/object-event-log.ts';
import type { KubeObject } from '../store/object-store.ts';
import type { ServedResource } from '../store/resource-types.ts';
import { apiVersionOf } from '../store/resource-types.ts';
import { frozenJson } from '../store/stored-object.ts';
import { tableShape } from './table-printer.ts';

export interface WatchRequest {
  type: ServedResource;
  namespace?: string;
  /** Absent: every object of the type (and namespace) matches. */
  matches?: (obj: KubeObject) => boolean;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  table: boolean;
  bookmarkIntervalMs?: number;
}

const defaultTimeoutSeconds = 1800;

export function serveWatch(
  res: ServerResponse,
  store: MemoryObjectStore,
  faults: DemoFaults,
  w: WatchRequest,
): void {
  const apiVersion = apiVersionOf(w.type);
  const shape = w.table ? tableShape(w.type) : undefined;
  let columnsSent = false;
  const inScope = (o: KubeObject) =>
    !w.type.namespaced || w.namespace === undefined || o.metadata.namespace === w.namespace;

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  const objectJson = (obj: KubeObject): string => {
    if (!shape) return frozenJson(obj, apiVersion);
    const table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: obj.metadata.resourceVersion },
      columnDefinitions: columnsSent ? null : shape.columnDefinitions,
      rows: [shape.row({ ...obj, apiVersion })],
    };
    columnsSent = true;
    return JSON.stringify(table);
  };
  const send = (type: string, obj: KubeObject) => {
    res.write(`{"type":"${type}","object":${objectJson(obj)}}\n`);
  };
  const bookmark = (initialEnd: boolean) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(store.resourceVersion) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    res.write(
      `${JSON.stringify({ type: 'BOOKMARK', object: { kind: w.type.kind, apiVersion, metadata } })}\n`,
    );
  };

  const deliver = (ev: LoggedEvent) => {
    if (`${ev.resource.group}/${ev.resource.resource}` !== w.type.storageKey) return;
    const matches = w.matches ?? (() => true);
    const now = inScope(ev.object) && matches(ev.object);
    if (ev.type === 'MODIFIED' && ev.previous) {
      const before = inScope(ev.previous) && matches(ev.previous);
      if (before && !now) return send('DELETED', ev.object);
      if (!before && now) return send('ADDED', ev.object);
    }
    if (now) send(ev.type, ev.object);
  };

  const rv = w.resourceVersion;
  const fromState = w.sendInitialEvents || rv === undefined || rv === '' || rv === '0';
  let backlog: LoggedEvent[] = [];
  if (!fromState) {
    const n = Number(rv);
    if (!Number.isInteger(n) || n < 0) {
      const err = statusErrors.badRequest(`invalid resource version "${rv}"`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      return;
    }
    const since = store.eventsSince(n);
    if (since === 'expired') {
      const err = statusErrors.gone(`too old resource version: ${rv} (${store.resourceVersion})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      return;
    }
    backlog = since;
  }

  // Replaying the backlog and subscribing happen in one synchronous step, so nothing falls between.
  if (fromState) {
    for (const entry of store.entries(w.type, w.type.namespaced ? w.namespace : undefined)) {
      if (!w.matches && !shape) res.write(`{"type":"ADDED","object":${entry.jsonAs(apiVersion)}}\n`);
      else {
        const obj = entry.obj;
        if (!w.matches || w.matches(obj)) send('ADDED', obj);
      }
    }
    if (w.sendInitialEvents && w.allowBookmarks) bookmark(true);
  } else for (const ev of backlog) deliver(ev);
  const unsubscribe = store.subscribe((ev) => deliver(ev as LoggedEvent));

  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const close = (abrupt: boolean) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    undrop();
    for (const t of timers) clearTimeout(t);
    if (abrupt) res.socket?.destroy();
    else res.end();
  };
  const undrop = faults.onDropWatches(() => close(true));
  timers.push(setTimeout(() => close(false), (w.timeoutSeconds ?? defaultTimeoutSeconds) * 1000));
  if (w.allowBookmarks) {
    const every = w.bookmarkIntervalMs ?? 15_000;
    const tick = () => {
      if (closed) return;
      bookmark(false);
      timers.push(setTimeout(tick, every));
    };
    timers.push(setTimeout(tick, every));
  }
  res.on('close', () => close(false));
}
