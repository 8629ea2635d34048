// The name of the live-metrics series of requests that reached no version: main names it
// (istio-metrics-queries.ts), the renderer tells it apart (undelivered-note.tsx).

/**
 * The series of requests that reached no version of the release (the callers' proxies answered
 * them: 503 for a subset with no pods or none defined, 500 for a missing backend). Not a version
 * name (those are DNS labels), so it cannot be taken for one.
 */
export const NOT_DELIVERED = 'not delivered';
