// The client's two errors (the server said no; the server could not be reached), and how an error
// answer or a socket error becomes one of them.

/** The server answered with an error status; `reason` is the Kubernetes Status reason when given. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The server could not be reached, or did not answer in time. */
export class KubeConnectionError extends Error {
  override name = 'KubeConnectionError';
}

export function describeError(err: Error & { code?: string }): string {
  return err.code && !err.message.includes(err.code) ? `${err.code} ${err.message}` : err.message;
}

export function apiErrorOf(status: number, text: string, what: string): KubeApiError {
  try {
    const s = JSON.parse(text) as { message?: string; reason?: string };
    if (s && typeof s.message === 'string') return new KubeApiError(status, s.message, s.reason);
  } catch {
    // not a Status object
  }
  const snippet = text.trim().slice(0, 200);
  return new KubeApiError(status, `${what} answered ${status}${snippet ? `: ${snippet}` : ''}`);
}

/**
 * A 3xx: the URL is not the API server itself (a login proxy sending every request to its sign-in
 * page). The client never follows one: credentials would go to another host, and what comes back
 * is not the API's answer.
 */
export function redirectErrorOf(status: number, location: string | undefined, what: string): KubeApiError {
  const to = location ? `, a redirect to ${location.slice(0, 200)}` : ', a redirect';
  return new KubeApiError(
    status,
    `${what} answered ${status}${to}: Switchyard does not follow redirects (is the server URL in the kubeconfig the API server itself?)`,
  );
}
