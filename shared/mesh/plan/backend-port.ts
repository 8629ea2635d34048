// The port a backendRef written for a version names. The route's other backendRefs share one port
// (their Services'); a version's Service may listen on another, and a backendRef naming a port its
// Service does not have resolves to nothing: its share of requests fails.

import type { KubeObject, SourceRef } from '../model/index.ts';
import { ReleaseEditError } from '../model/index.ts';

interface ServicePort {
  name?: unknown;
  port?: unknown;
  targetPort?: unknown;
}

function servicePorts(
  objects: readonly KubeObject[],
  namespace: string,
  name: string,
): ServicePort[] | undefined {
  const svc = objects.find(
    (o) =>
      o.kind === 'Service' &&
      o.apiVersion === 'v1' &&
      o.metadata.name === name &&
      (o.metadata.namespace || 'default') === namespace,
  );
  if (!svc) return undefined;
  const ports = (svc.spec as { ports?: unknown } | undefined)?.ports;
  return Array.isArray(ports)
    ? (ports.filter((p) => typeof p === 'object' && p !== null) as ServicePort[])
    : [];
}

export interface BackendPortInput {
  objects: readonly KubeObject[];
  /** The route (for its namespace, and named in a refusal). */
  route: SourceRef;
  /** The Service the new backendRef names. */
  target: { namespace: string; name: string };
  /** The port the route's other backendRefs name, and one of their Services (to match by name). */
  existing?: { port: number; namespace: string; name: string };
}

/**
 * The port to write: the existing one when the target's Service has it (or is not among the
 * objects, or lists no ports: nothing to check against), else the Service's only port, else its port of the same name
 * or target port as the existing one. Undefined when there is no existing port to follow. Refused
 * when none fits: the operator names the port.
 */
export function backendPortFor(input: BackendPortInput): number | undefined {
  const { existing, target } = input;
  if (!existing) return undefined;
  const ports = servicePorts(input.objects, target.namespace, target.name);
  // A Service listing no ports (a headless one, or a test's) gives nothing to check against.
  if (!ports || ports.length === 0 || ports.some((p) => p.port === existing.port)) return existing.port;
  const numbers = ports.map((p) => p.port).filter((p): p is number => typeof p === 'number');
  if (numbers.length === 1) return numbers[0];
  const like = servicePorts(input.objects, existing.namespace, existing.name)?.find(
    (p) => p.port === existing.port,
  );
  const same = like
    ? ports.find(
        (p) =>
          typeof p.port === 'number' &&
          ((like.name !== undefined && p.name === like.name) ||
            (like.targetPort !== undefined && p.targetPort === like.targetPort)),
      )
    : undefined;
  if (same && typeof same.port === 'number') return same.port;
  throw new ReleaseEditError(
    `Service ${target.namespace}/${target.name} has no port ${existing.port} (its ports: ${numbers.join(', ') || 'none'}), and none matches the other backends' port by name: give its backendRef a port in the route`,
    input.route,
  );
}
