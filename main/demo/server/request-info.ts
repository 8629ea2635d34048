// Turns a Kubernetes API URL into what it addresses, the way kube-apiserver's RequestInfoFactory does.
export interface ResourceRequest {
  kind: 'resource';
  verb: string;
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** What follows the subresource (the service proxy's path), starting with '/'. */
  rest?: string;
  query: URLSearchParams;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
  query: URLSearchParams;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

export function parseRequestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://localhost');
  const query = url.searchParams;
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return { kind: 'nonresource', path: url.pathname, query };
  if (rest.length === 0) return { kind: 'nonresource', path: url.pathname, query };

  let watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    // /api/v1/namespaces/{name} addresses the namespace object itself.
    const name = rest[1];
    return {
      kind: 'resource',
      verb: verbOf(method, true, watch),
      group,
      version,
      resource: 'namespaces',
      ...(name ? { name } : {}),
      query,
    };
  }
  const [resource = '', name, subresource, ...tail] = rest;
  if (resource === 'namespaces' && name && subresource === undefined && namespace === undefined) {
    return { kind: 'resource', verb: verbOf(method, true, watch), group, version, resource, name, query };
  }
  const info: ResourceRequest = {
    kind: 'resource',
    verb: verbOf(method, name !== undefined, watch),
    group,
    version,
    resource,
    query,
  };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  if (subresource === 'proxy') {
    const after = /\/services\/[^/]+\/proxy(\/.*)?$/.exec(url.pathname)?.[1] ?? '';
    const full =
      rawUrl.indexOf('?') >= 0 ? `${after || '/'}${rawUrl.slice(rawUrl.indexOf('?'))}` : after || '/';
    info.rest = full;
  } else if (tail.length > 0) info.rest = `/${tail.join('/')}`;
  // A watch on a single object is a list-watch with a name field selector.
  if (watch && name !== undefined && subresource === undefined) info.verb = 'watch';
  return info;
}
