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
