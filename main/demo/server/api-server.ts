// The demo Kubernetes API server: HTTP(S) on 127.0.0.1, bearer-token users, discovery and
// OpenAPI, resource routing, the service proxy, fault injection, and an admin-only faults endpoint.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  authenticate,
  type DemoUser,
  type DemoUsers,
  forbiddenMessage,
  isAllowed,
  isDemoAdmin,
} from '../auth/demo-users.ts';
import type { DemoFaults, FailNextRule, FaultFilter, FaultSettings } from '../faults.ts';
import { KubeStatusError, statusErrors } from '../store/kube-status-error.ts';
import { parseFieldSelector, parseLabelSelector } from '../store/label-selector.ts';
import type { MemoryObjectStore } from '../store/memory-object-store.ts';
import { findResource } from '../store/resource-types.ts';
import type { DemoTls } from '../tls.ts';
import { handleSelfSubjectAccessReview } from './access-review.ts';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryType,
  apiGroupFor,
  apiGroupList,
  apiResourceList,
  apiVersions,
  serverVersion,
  wantsAggregated,
} from './discovery.ts';
import type { HandlerContext } from './handler-context.ts';
import { parseBody, readBody, sendJson, sendRaw, sendStatus } from './http-io.ts';
import { openApiV3 } from './openapi-documents.ts';
import { handleGet, handleList, handleWatch } from './read-handlers.ts';
import { parseRequestInfo, type ResourceRequest } from './request-info.ts';
import { parseProxyTarget, type ServiceProxyRegistry } from './service-proxy.ts';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handlePatch,
  handleUpdate,
} from './write-handlers.ts';

export const FAULTS_PATH = '/switchyard.io/demo/faults';

export interface ApiServerOptions {
  store: MemoryObjectStore;
  users: DemoUsers;
  faults: DemoFaults;
  proxies: ServiceProxyRegistry;
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  tls?: DemoTls;
  host?: string;
  port?: number;
}

export interface RunningApiServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const notFoundStatus = () =>
  new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', { causes: [] });

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    route(opts, req, res).catch((err: unknown) => {
      if (err instanceof KubeStatusError) return sendStatus(res, err);
      sendStatus(res, statusErrors.internal(err instanceof Error ? err.message : String(err)));
    });
  };
  const server: Server = opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler)
    : createHttpServer(handler);
  server.keepAliveTimeout = 60_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;
  return {
    url,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        opts.faults.dropWatches();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(opts: ApiServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const info = parseRequestInfo(method, rawUrl);
  if (info.kind === 'nonresource' && ['/healthz', '/livez', '/readyz'].includes(info.path)) {
    return sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
  }
  const user = authenticate(opts.users, req.headers.authorization);
  if (!user) return sendStatus(res, statusErrors.unauthorized());
  if (info.kind === 'nonresource') return nonResource(opts, user, req, res, info.path);
  return resource(opts, user, req, res, info);
}

async function nonResource(
  opts: ApiServerOptions,
  user: DemoUser,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const accept = req.headers.accept;
  const p = path.replace(/\/+$/, '') || '/';
  if (p === FAULTS_PATH) return faultsEndpoint(opts, user, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw statusErrors.methodNotAllowed(`the server does not allow this method on ${p}`);
  if (p === '/version') return sendJson(res, 200, serverVersion);
  if (p === '/api' || p === '/apis') {
    const legacy = p === '/api';
    if (wantsAggregated(accept))
      return sendRaw(res, 200, JSON.stringify(aggregatedDiscovery(legacy)), aggregatedDiscoveryType, {
        Vary: 'Accept',
      });
    return sendJson(res, 200, legacy ? apiVersions() : apiGroupList(), { Vary: 'Accept' });
  }
  if (p.startsWith('/openapi/v3')) {
    const doc = openApiV3(p);
    if (doc === undefined) throw notFoundStatus();
    return sendRaw(res, 200, doc, 'application/json');
  }
  const parts = p.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) {
    const list = apiResourceList('', parts[1] ?? '');
    if (list) return sendJson(res, 200, list);
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const group = apiGroupFor(parts[1] ?? '');
    if (group) return sendJson(res, 200, group);
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = apiResourceList(parts[1] ?? '', parts[2] ?? '');
    if (list) return sendJson(res, 200, list);
  }
  throw notFoundStatus();
}

async function faultsEndpoint(
  opts: ApiServerOptions,
  user: DemoUser,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isDemoAdmin(user)) {
    throw statusErrors.forbidden(
      `User "${user.name}" cannot change the demo mesh's faults: the endpoint is for demo-admin only`,
    );
  }
  if (req.method === 'GET') return sendJson(res, 200, opts.faults.current());
  if (req.method !== 'POST') throw statusErrors.methodNotAllowed(`use GET or POST on ${FAULTS_PATH}`);
  const body = parseBody(await readBody(req), 'json') as {
    reset?: boolean;
    set?: Partial<FaultSettings>;
    failNext?: FailNextRule;
    closeNext?: FaultFilter & { count?: number };
    dropWatches?: boolean;
  };
  try {
    if (body.reset) opts.faults.reset();
    if (body.set) opts.faults.set(body.set);
    if (body.failNext) opts.faults.failNext(body.failNext);
    if (body.closeNext) opts.faults.closeNext(body.closeNext);
    if (body.dropWatches) opts.faults.dropWatches();
  } catch (err) {
    throw statusErrors.badRequest((err as Error).message);
  }
  sendJson(res, 200, opts.faults.current());
}

async function resource(
  opts: ApiServerOptions,
  user: DemoUser,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
): Promise<void> {
  const type = findResource(info.group, info.version, info.resource);
  if (!type) throw notFoundStatus();
  if (!type.namespaced && info.namespace !== undefined) throw notFoundStatus();
  if (info.subresource && info.subresource !== 'proxy' && !type.subresources?.includes(info.subresource))
    throw notFoundStatus();

  const attrs = {
    verb: info.subresource === 'proxy' ? proxyVerb(req.method ?? 'GET') : info.verb,
    group: type.group,
    resource: type.resource,
    ...(info.subresource ? { subresource: info.subresource } : {}),
    ...(info.namespace !== undefined ? { namespace: info.namespace } : {}),
    ...(info.name !== undefined ? { name: info.name } : {}),
  };
  if (!isAllowed(user, attrs)) {
    throw statusErrors.forbidden(forbiddenMessage(user, attrs), {
      group: type.group,
      resource: type.resource,
      name: info.name ?? '',
    });
  }

  const decision = opts.faults.decide({
    verb: attrs.verb,
    resource: type.resource,
    ...(info.namespace ? { namespace: info.namespace } : {}),
    ...(info.name ? { name: info.name } : {}),
  });
  if (decision.latencyMs > 0) await new Promise((r) => setTimeout(r, decision.latencyMs));
  if (decision.kind === 'close') {
    req.socket.destroy();
    return;
  }
  if (decision.kind === 'fail') {
    const err =
      decision.code === 429
        ? statusErrors.tooManyRequests(decision.retryAfterSeconds ?? 1)
        : new KubeStatusError(
            decision.code,
            decision.code === 503 ? 'ServiceUnavailable' : 'InternalError',
            decision.message ??
              `injected fault: the demo server answers ${decision.code} to this ${attrs.verb} on ${type.resource}`,
            decision.retryAfterSeconds !== undefined
              ? { retryAfterSeconds: decision.retryAfterSeconds }
              : undefined,
          );
    return sendStatus(res, err);
  }

  const ctx: HandlerContext = {
    req,
    res,
    info,
    type,
    user,
    store: opts.store,
    faults: opts.faults,
    headers: {},
  };
  if (info.subresource === 'proxy') return serviceProxy(opts, ctx);
  if (type.virtual) {
    if (info.verb !== 'create') throw statusErrors.methodNotAllowed(`${type.resource} only supports create`);
    return handleSelfSubjectAccessReview(ctx);
  }
  const needsNamespace =
    type.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb);
  if (needsNamespace) throw notFoundStatus();
  switch (info.verb) {
    case 'get':
      return handleGet(ctx);
    case 'list':
      return handleList(ctx);
    case 'watch':
      return handleWatch(ctx);
    case 'create':
      if (info.name !== undefined)
        throw statusErrors.methodNotAllowed('POST is not allowed on a named object');
      return handleCreate(ctx);
    case 'update':
      return handleUpdate(ctx);
    case 'patch':
      return handlePatch(ctx);
    case 'delete':
      return handleDelete(ctx);
    case 'deletecollection': {
      const labels = parseLabelSelector(info.query.get('labelSelector'));
      const fields = parseFieldSelector(info.query.get('fieldSelector'));
      return handleDeleteCollection(
        ctx,
        (o) => (!labels || labels(o.metadata.labels)) && (!fields || fields(o)),
      );
    }
    default:
      throw statusErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

function proxyVerb(method: string): string {
  return (
    { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ??
    'get'
  );
}

async function serviceProxy(opts: ApiServerOptions, ctx: HandlerContext): Promise<void> {
  const { info, res } = ctx;
  if (info.resource !== 'services' || !info.namespace || !info.name) throw notFoundStatus();
  const target = parseProxyTarget(info.name);
  const handler = opts.proxies.find(info.namespace, target.name, target.port);
  if (!handler) {
    const exists = opts.store.getEntry(ctx.type, info.namespace, target.name);
    if (!exists) throw statusErrors.notFound({ group: '', resource: 'services', name: target.name });
    throw statusErrors.serviceUnavailable(`no endpoints available for service "${info.name}"`);
  }
  await handler(ctx.req, res, info.rest ?? '/');
}
