import { type DemoUser, isAllowed } from '../auth/demo-users.ts';
import { statusErrors } from '../store/kube-status-error.ts';
import type { HandlerContext } from './handler-context.ts';
import { parseBody, readBody, sendJson } from './http-io.ts';
import { decodeAccessReview, isKubeProtobuf } from './protobuf-review.ts';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export function reviewAccess(
  user: DemoUser,
  attrs: ResourceAttributes | undefined,
  nonResource: { verb?: string } | undefined,
) {
  if (nonResource) {
    const allowed = (!user.readOnly && !user.namespaces) || nonResource.verb === 'get';
    return allowed ? { allowed, reason: reasonFor(user) } : { allowed };
  }
  const a = attrs ?? {};
  const allowed = isAllowed(user, {
    verb: a.verb ?? '',
    group: a.group ?? '',
    resource: a.resource ?? '',
    ...(a.subresource ? { subresource: a.subresource } : {}),
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.name ? { name: a.name } : {}),
  });
  return allowed ? { allowed, reason: reasonFor(user) } : { allowed };
}

function reasonFor(user: DemoUser): string {
  if (user.namespaces)
    return `RBAC: allowed by RoleBinding "demo-team/${user.namespaces.join(',')}" of ClusterRole "edit" to User "${user.name}"`;
  return user.readOnly
    ? `RBAC: allowed by ClusterRoleBinding "demo-viewer" of ClusterRole "view" to User "${user.name}"`
    : `RBAC: allowed by ClusterRoleBinding "demo-admin" of ClusterRole "cluster-admin" to User "${user.name}"`;
}

/** POST selfsubjectaccessreviews: answers for the caller, echoing the spec. */
export async function handleSelfSubjectAccessReview(ctx: HandlerContext): Promise<void> {
  const bytes = await readBody(ctx.req, true);
  const body = (
    isKubeProtobuf(bytes) ? decodeAccessReview(bytes) : parseBody(bytes.toString('utf8'), 'json')
  ) as { spec?: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { verb?: string } } };
  const spec = body?.spec;
  if (!spec || (!spec.resourceAttributes && !spec.nonResourceAttributes)) {
    throw statusErrors.invalid(
      {
        group: 'authorization.k8s.io',
        resource: 'selfsubjectaccessreviews',
        kind: 'SelfSubjectAccessReview',
        name: '',
      },
      [
        {
          reason: 'FieldValueRequired',
          field: 'spec.resourceAttributes',
          message:
            'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
        },
      ],
    );
  }
  const status = reviewAccess(ctx.user, spec.resourceAttributes, spec.nonResourceAttributes);
  sendJson(ctx.res, 201, {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status,
  });
}
