// metav1.Status bodies, the way kube-apiserver shapes them, so kubectl and client-node print
// the same messages they print against a real cluster.

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class KubeStatusError extends Error {
  override name = 'KubeStatusError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): KubeStatus {
    const status: KubeStatus = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** What a Status names: `virtualservices.networking.istio.io "reviews"`. */
export interface StatusTarget {
  group: string;
  resource: string;
  kind?: string;
  name: string;
}

function qualified(t: StatusTarget): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function detailsOf(t: StatusTarget, causes?: StatusCause[]): StatusDetails {
  const d: StatusDetails = { name: t.name, group: t.group, kind: t.resource };
  if (causes) d.causes = causes;
  return d;
}

export const statusErrors = {
  notFound: (t: StatusTarget) =>
    new KubeStatusError(404, 'NotFound', `${qualified(t)} "${t.name}" not found`, detailsOf(t)),
  alreadyExists: (t: StatusTarget) =>
    new KubeStatusError(409, 'AlreadyExists', `${qualified(t)} "${t.name}" already exists`, detailsOf(t)),
  conflict: (t: StatusTarget, why: string) =>
    new KubeStatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": ${why}`,
      detailsOf(t),
    ),
  staleResourceVersion: (t: StatusTarget) =>
    statusErrors.conflict(
      t,
      'the object has been modified; please apply your changes to the latest version and try again',
    ),
  invalid: (t: StatusTarget & { kind: string }, causes: StatusCause[]) => {
    const group = t.group ? `.${t.group}` : '';
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return new KubeStatusError(422, 'Invalid', `${t.kind}${group} "${t.name}" is invalid: ${summary}`, {
      name: t.name,
      group: t.group,
      kind: t.kind,
      causes,
    });
  },
  badRequest: (message: string) => new KubeStatusError(400, 'BadRequest', message),
  unprocessable: (message: string, details?: StatusDetails) =>
    new KubeStatusError(422, 'Invalid', message, details),
  gone: (message: string) => new KubeStatusError(410, 'Expired', message),
  methodNotAllowed: (message: string) => new KubeStatusError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (contentType: string) =>
    new KubeStatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`,
    ),
  unauthorized: () => new KubeStatusError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, t?: Partial<StatusTarget>) =>
    new KubeStatusError(
      403,
      'Forbidden',
      message,
      t ? { name: t.name ?? '', group: t.group ?? '', kind: t.resource ?? '' } : undefined,
    ),
  serviceUnavailable: (message: string) => new KubeStatusError(503, 'ServiceUnavailable', message),
  tooManyRequests: (retryAfterSeconds: number) =>
    new KubeStatusError(
      429,
      'TooManyRequests',
      'the server has received too many requests and has asked us to try again later',
      {
        retryAfterSeconds,
        causes: [{ reason: 'ServerTimeout', message: 'the server is throttling requests' }],
      },
    ),
  internal: (message: string) =>
    new KubeStatusError(500, 'InternalError', `Internal error occurred: ${message}`),
};
