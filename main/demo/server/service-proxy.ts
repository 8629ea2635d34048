import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Serves `/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{subpath}`. `subpath` starts with
 * '/' and keeps the query string (e.g. '/api/v1/query?query=up').
 */
export type ServiceProxyHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  subpath: string,
) => void | Promise<void>;

/** Mounts a handler; returns a function that unmounts it. */
export type RegisterServiceProxy = (
  namespace: string,
  serviceName: string,
  port: number | string,
  handler: ServiceProxyHandler,
) => () => void;

/** `name`, `name:port` or `scheme:name:port`, as the service proxy URL names a service. */
export function parseProxyTarget(segment: string): { name: string; port?: string } {
  const parts = segment.split(':');
  if (parts.length >= 3) return { name: parts[1] ?? '', port: parts[2] ?? '' };
  if (parts.length === 2) return { name: parts[0] ?? '', port: parts[1] ?? '' };
  return { name: segment };
}

/** The handlers mounted on `/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/…`. */
export class ServiceProxyRegistry {
  private readonly handlers = new Map<string, { port: string; handler: ServiceProxyHandler }[]>();

  readonly register: RegisterServiceProxy = (namespace, serviceName, port, handler) => {
    const key = `${namespace}/${serviceName}`;
    const entry = { port: String(port), handler };
    const list = (this.handlers.get(key) ?? []).filter((e) => e.port !== entry.port);
    list.push(entry);
    this.handlers.set(key, list);
    return () => {
      const now = this.handlers.get(key)?.filter((e) => e !== entry) ?? [];
      if (now.length > 0) this.handlers.set(key, now);
      else this.handlers.delete(key);
    };
  };

  /** The handler for a service and optional port (by number or name); without a port, the first one. */
  find(namespace: string, serviceName: string, port?: string): ServiceProxyHandler | undefined {
    const list = this.handlers.get(`${namespace}/${serviceName}`);
    if (!list) return undefined;
    if (port === undefined || port === '') return list[0]?.handler;
    return list.find((e) => e.port === port)?.handler;
  }
}
