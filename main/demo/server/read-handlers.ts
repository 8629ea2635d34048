// get, list (selectors, limit/continue, Table) and watch.
import { statusErrors } from '../store/kube-status-error.ts';
import { parseFieldSelector, parseLabelSelector } from '../store/label-selector.ts';
import type { KubeObject } from '../store/object-store.ts';
import { apiVersionOf } from '../store/resource-types.ts';
import type { StoredEntry } from '../store/stored-object.ts';
import type { HandlerContext } from './handler-context.ts';
import { targetOf } from './handler-context.ts';
import { sendJson, sendRaw, wantsTable } from './http-io.ts';
import { scaleOf } from './scale-view.ts';
import { tableOf } from './table-printer.ts';
import { serveWatch } from './watch-stream.ts';

/** Items per chunk of a list body: no list is ever one giant string (50,000 pods are 200 MB). */
const CHUNK_ITEMS = 500;
/** Bodies of unfiltered lists kept for reuse until their type changes, at most this many bytes in all. */
const CACHE_BYTES = 64 * 1024 * 1024;

interface CachedItems {
  changedAt: number;
  chunks: Buffer[];
  bytes: number;
}

/** Per store: item chunks of unfiltered lists, oldest first (lists dominate at scale). */
const itemsCache = new WeakMap<object, Map<string, CachedItems>>();

function cacheOf(ctx: HandlerContext): Map<string, CachedItems> {
  let perStore = itemsCache.get(ctx.store);
  if (!perStore) {
    perStore = new Map();
    itemsCache.set(ctx.store, perStore);
  }
  return perStore;
}

/** Keeps `items` unless it alone exceeds the budget; older bodies make room. */
function remember(cache: Map<string, CachedItems>, key: string, items: CachedItems): void {
  cache.delete(key);
  if (items.bytes > CACHE_BYTES) return;
  let total = items.bytes;
  for (const v of cache.values()) total += v.bytes;
  for (const [k, v] of cache) {
    if (total <= CACHE_BYTES) break;
    cache.delete(k);
    total -= v.bytes;
  }
  cache.set(key, items);
}

/** The item JSON of entries [from, to), comma-separated, with a leading comma unless first. */
function chunkOf(picked: readonly StoredEntry[], from: number, to: number, apiVersion: string): Buffer {
  const parts = new Array<string>(to - from);
  for (let i = from; i < to; i++) parts[i - from] = (picked[i] as StoredEntry).jsonAs(apiVersion);
  return Buffer.from(`${from > 0 ? ',' : ''}${parts.join(',')}`);
}

function entryKey(e: StoredEntry): string {
  return e.key();
}

const listTail = Buffer.from(']}');

function listHead(listKind: string, apiVersion: string, meta: Record<string, unknown>): Buffer {
  return Buffer.from(
    `{"kind":${JSON.stringify(listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`,
  );
}

interface ContinueToken {
  rv: number;
  start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.start !== 'string' || typeof t.rv !== 'number') throw new Error('shape');
    return t;
  } catch {
    throw statusErrors.badRequest(`invalid continue token: "${token}"`);
  }
}

/** The request's label and field selectors as one test, or undefined when it has none. */
function selectorOf(ctx: HandlerContext): ((obj: KubeObject) => boolean) | undefined {
  const labels = parseLabelSelector(ctx.info.query.get('labelSelector'));
  const fields = parseFieldSelector(ctx.info.query.get('fieldSelector'));
  if (!labels && !fields) return undefined;
  return (obj) => (!labels || labels(obj.metadata.labels)) && (!fields || fields(obj));
}

export function handleGet(ctx: HandlerContext): void {
  const { info, type, store } = ctx;
  const name = info.name ?? '';
  const entry = store.getEntry(type, info.namespace, name);
  if (!entry) throw statusErrors.notFound(targetOf(ctx));
  if (info.subresource === 'scale') {
    sendJson(ctx.res, 200, scaleOf(entry.obj), ctx.headers);
    return;
  }
  if (info.subresource && info.subresource !== 'status') throw statusErrors.notFound(targetOf(ctx));
  if (wantsTable(ctx.req.headers.accept)) {
    const obj = { ...entry.obj, apiVersion: apiVersionOf(type) };
    sendJson(
      ctx.res,
      200,
      tableOf(type, [obj], { resourceVersion: String(store.resourceVersion) }),
      ctx.headers,
    );
    return;
  }
  sendRaw(ctx.res, 200, entry.jsonAs(apiVersionOf(type)), 'application/json', ctx.headers);
}

export function handleList(ctx: HandlerContext): void | Promise<void> {
  const { info, type, store, res } = ctx;
  // Without selectors no object is looked at (template-backed filler is then never built as objects).
  const selector = selectorOf(ctx);
  const matches = (e: StoredEntry) => !selector || selector(e.obj);
  const limitText = info.query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0)
    throw statusErrors.badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
  const cont = info.query.get('continue');
  const apiVersion = apiVersionOf(type);
  const unfiltered = !cont && limit === 0 && !selector && !wantsTable(ctx.req.headers.accept);
  const cacheKey = `${apiVersion}/${type.resource}/${info.namespace ?? ''}`;
  const changedAt = store.lastChange(type);
  const hit = unfiltered ? cacheOf(ctx).get(cacheKey) : undefined;
  if (hit && hit.changedAt === changedAt) {
    // A kept body: not even the entries are looked at.
    sendChunks(
      ctx,
      listHead(type.listKind, apiVersion, { resourceVersion: String(store.resourceVersion) }),
      hit.chunks,
      hit.bytes,
      listTail,
    );
    return;
  }
  let all = store.entries(type, type.namespaced ? info.namespace : undefined);
  if (cont) {
    const token = decodeContinue(cont);
    if (store.eventsSince(token.rv) === 'expired') {
      throw statusErrors.gone(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entryKey(all[mid] as StoredEntry) <= token.start) lo = mid + 1;
      else hi = mid;
    }
    all = all.slice(lo);
  }
  const picked: StoredEntry[] = [];
  let next: string | undefined;
  let remaining = 0;
  for (let i = 0; i < all.length; i++) {
    const e = all[i] as StoredEntry;
    if (!matches(e)) continue;
    if (limit > 0 && picked.length === limit) {
      next = entryKey(picked[picked.length - 1] as StoredEntry);
      for (let j = i; j < all.length; j++) if (matches(all[j] as StoredEntry)) remaining++;
      break;
    }
    picked.push(e);
  }
  const rv = String(store.resourceVersion);
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (next !== undefined) {
    meta.continue = Buffer.from(JSON.stringify({ rv: store.resourceVersion, start: next })).toString(
      'base64url',
    );
    meta.remainingItemCount = remaining;
  }
  if (wantsTable(ctx.req.headers.accept)) {
    const objects = picked.map((e) => (e.obj.apiVersion === apiVersion ? e.obj : { ...e.obj, apiVersion }));
    sendJson(res, 200, tableOf(type, objects, meta), ctx.headers);
    return;
  }
  // Lists are assembled from each object's JSON (cached, or filled from its template), in chunks.
  const head = listHead(type.listKind, apiVersion, meta);
  const tail = listTail;
  const cache = cacheOf(ctx);
  return sendItems(ctx, head, picked, apiVersion, tail, (chunks, bytes) => {
    if (unfiltered) remember(cache, cacheKey, { changedAt, chunks, bytes });
  });
}

/**
 * Sends the items in chunks: with a Content-Length when they fit the cache budget (`keep` may then
 * keep them), else streamed, each further chunk made once the socket has taken the last.
 */
async function sendItems(
  ctx: HandlerContext,
  head: Buffer,
  picked: readonly StoredEntry[],
  apiVersion: string,
  tail: Buffer,
  keep: (chunks: Buffer[], bytes: number) => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let i = 0;
  for (; i < picked.length && bytes <= CACHE_BYTES; i += CHUNK_ITEMS) {
    const chunk = chunkOf(picked, i, Math.min(picked.length, i + CHUNK_ITEMS), apiVersion);
    chunks.push(chunk);
    bytes += chunk.length;
  }
  if (i >= picked.length) {
    keep(chunks, bytes);
    sendChunks(ctx, head, chunks, bytes, tail);
    return;
  }
  const { res } = ctx;
  const drained = () =>
    new Promise<void>((ok) => {
      res.once('drain', ok);
      res.once('close', ok);
    });
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    ...ctx.headers,
  });
  res.write(head);
  for (const c of chunks.splice(0)) if (!res.write(c)) await drained();
  for (; i < picked.length; i += CHUNK_ITEMS) {
    if (res.destroyed) return;
    if (!res.write(chunkOf(picked, i, Math.min(picked.length, i + CHUNK_ITEMS), apiVersion))) await drained();
  }
  res.end(tail);
}

function sendChunks(ctx: HandlerContext, head: Buffer, chunks: Buffer[], bytes: number, tail: Buffer): void {
  const { res } = ctx;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': head.length + bytes + tail.length,
    ...ctx.headers,
  });
  res.write(head);
  for (const c of chunks) res.write(c);
  res.end(tail);
}

export function handleWatch(ctx: HandlerContext): void {
  const { info, type } = ctx;
  const selector = selectorOf(ctx);
  const name = info.name;
  const matches =
    name === undefined ? selector : (o: KubeObject) => o.metadata.name === name && (!selector || selector(o));
  const timeout = info.query.get('timeoutSeconds');
  const w: Parameters<typeof serveWatch>[3] = {
    type,
    ...(matches ? { matches } : {}),
    allowBookmarks: info.query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: info.query.get('sendInitialEvents') === 'true',
    table: wantsTable(ctx.req.headers.accept),
  };
  if (info.namespace !== undefined) w.namespace = info.namespace;
  const rv = info.query.get('resourceVersion');
  if (rv !== null) w.resourceVersion = rv;
  if (timeout !== null) {
    const n = Number(timeout);
    if (!Number.isFinite(n) || n < 0)
      throw statusErrors.badRequest(`timeoutSeconds: Invalid value: "${timeout}"`);
    w.timeoutSeconds = n;
  }
  serveWatch(ctx.res, ctx.store, ctx.faults, w);
}
