// The three demo users: an admin with every right, a viewer who may only read, and a team user
// who may read and write only the `shop` namespace (as a RoleBinding of ClusterRole "edit" there
// would allow; everything cluster-wide is 403). Tokens are random per run, so a kubeconfig from
// an earlier run gets 401.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface DemoUser {
  name: 'demo-admin' | 'demo-viewer' | 'demo-team';
  token: string;
  readOnly: boolean;
  groups: string[];
  /** The only namespaces this user may touch; every namespace (and the cluster scope) when absent. */
  namespaces?: string[];
}

export interface DemoUsers {
  admin: DemoUser;
  viewer: DemoUser;
  team: DemoUser;
}

/** The namespace the team user owns. */
export const DEMO_TEAM_NAMESPACE = 'shop';

export function createDemoUsers(tokens?: { admin?: string; viewer?: string; team?: string }): DemoUsers {
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
    team: {
      name: 'demo-team',
      token: tokens?.team ?? token(),
      readOnly: false,
      groups: ['system:authenticated'],
      namespaces: [DEMO_TEAM_NAMESPACE],
    },
  };
}

/** Only the admin may change the demo itself (its faults endpoint). */
export function isDemoAdmin(user: DemoUser): boolean {
  return user.name === 'demo-admin';
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
  return [users.admin, users.viewer, users.team].find((u) => sameToken(u.token, token));
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

/**
 * RBAC in a few lines: everyone may review its own access; the admin may do anything, the viewer
 * only read, the team user anything inside its namespaces and nothing at the cluster scope.
 */
export function isAllowed(user: DemoUser, attrs: RequestAttributes): boolean {
  if (attrs.group === 'authorization.k8s.io' && attrs.resource === 'selfsubjectaccessreviews') return true;
  if (user.namespaces && (attrs.namespace === undefined || !user.namespaces.includes(attrs.namespace)))
    return false;
  if (!user.readOnly) return true;
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
