// get, list (selectors, limit/continue, Table) and watch.
import { statusErrors } from '../store/kube-status-error.ts';
import { parseFieldSelector, parseLabelSelector } from '../store/label-selector.ts';
import type { KubeObject } from '../store/object-store.ts';
import { apiVersionOf } from '../store/resource-types.ts';
import type { StoredEntry } from '../store/stored-object.ts';
import type { HandlerContext } from './handler-context.ts';
import { targetOf } from './handler-context.ts';
import { sendJson, sendRaw, wantsTable } from './http-io.ts';
import { sendListBody } from './list-body.ts';
import { listChunkCacheOf, listChunks } from './list-chunks.ts';
import { scaleOf } from './scale-view.ts';
import { tableOf } from './table-printer.ts';
import { serveWatch } from './watch-stream.ts';

/** Items per piece of a filtered list body (those are not cached: each selector is its own list). */
const PIECE_ITEMS = 500;

/** The item JSON of entries in pieces of PIECE_ITEMS, comma-separated, each but the first with a leading comma. */
function* filteredPieces(picked: readonly StoredEntry[], apiVersion: string): Generator<Buffer> {
  for (let from = 0; from < picked.length; from += PIECE_ITEMS) {
    const to = Math.min(picked.length, from + PIECE_ITEMS);
    const parts = new Array<string>(to - from);
    for (let i = from; i < to; i++) parts[i - from] = (picked[i] as StoredEntry).jsonAs(apiVersion);
    yield Buffer.from(`${from > 0 ? ',' : ''}${parts.join(',')}`);
  }
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
  if (!cont && limit === 0 && !selector && !wantsTable(ctx.req.headers.accept)) {
    // Unfiltered: from cached chunks, only those holding a changed object made again.
    const entries = store.entries(type, type.namespaced ? info.namespace : undefined);
    const head = listHead(type.listKind, apiVersion, { resourceVersion: String(store.resourceVersion) });
    return sendListBody(
      res,
      ctx.headers,
      head,
      listChunks(listChunkCacheOf(store), entries, apiVersion),
      listTail,
    );
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
  // Lists are assembled from each object's JSON (cached, or filled from its template), in pieces.
  const head = listHead(type.listKind, apiVersion, meta);
  return sendListBody(res, ctx.headers, head, filteredPieces(picked, apiVersion), listTail);
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
