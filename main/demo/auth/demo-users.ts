// The two demo users: an admin with every right and a viewer who may only read. Tokens are
// random per run, so a kubeconfig from an earlier run gets 401.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface DemoUser {
  name: 'demo-admin' | 'demo-viewer';
  token: string;
  readOnly: boolean;
  groups: string[];
}

export interface DemoUsers {
  admin: DemoUser;
  viewer: DemoUser;
}

export function createDemoUsers(tokens?: { admin?: string; viewer?: string }): DemoUsers {
  const token = () => randomBytes(24).toString('base64url');
  return {
    admin: {
      name: 'demo-admin',
      token: tokens?.admin ?? token(),
      readOnly: false,
      groups: ['system:masters', 'system:authenticated'],
    },
    viewer: {
      name: 'demo-viewer',
      token: tokens?.viewer ?? token(),
      readOnly: true,
      groups: ['system:authenticated'],
    },
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The user behind an `Authorization: Bearer …` header, or undefined (→ 401). */
export function authenticate(users: DemoUsers, header: string | undefined): DemoUser | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const token = m[1];
  return [users.admin, users.viewer].find((u) => sameToken(u.token, token));
}

export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const readVerbs = new Set(['get', 'list', 'watch']);

/** RBAC in two lines: the admin may do anything, the viewer only read (and review its own access). */
export function isAllowed(user: DemoUser, attrs: RequestAttributes): boolean {
  if (!user.readOnly) return true;
  if (attrs.group === 'authorization.k8s.io' && attrs.resource === 'selfsubjectaccessreviews') return true;
  if (attrs.resource === '*' || attrs.verb === '*') return false;
  return readVerbs.has(attrs.verb);
}

/** The message kube-apiserver's RBAC authorizer gives, word for word in shape. */
export function forbiddenMessage(user: DemoUser, attrs: RequestAttributes): string {
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const subject = attrs.subresource
    ? `${qualified}${attrs.name ? ` "${attrs.name}"` : ''}`
    : `${qualified}${attrs.name ? ` "${attrs.name}"` : ''}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
}
