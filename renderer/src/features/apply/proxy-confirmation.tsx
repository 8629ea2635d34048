import type { ProxyWatch } from '../../stores/apply-store.ts';

const proxies = (n: number) => (n === 1 ? '1 proxy' : `${n} proxies`);

/**
 * Beside the API server's confirmation: at how many of the sidecars and gateways that serve the
 * host the change is in effect (istiod's proxy status), a warning naming the stale ones when the
 * wait ran out, or why the status is not available.
 */
export function ProxyConfirmation({ watch }: { watch: ProxyWatch }) {
  const { view, unavailable, settled } = watch;
  if (unavailable !== undefined)
    return (
      <p role="status" className="muted" aria-label="Proxy status">
        Proxy status unavailable: {unavailable}
      </p>
    );
  if (!view)
    return (
      <p role="status" aria-label="Proxy status">
        Checking the proxies…
      </p>
    );
  if (!view.known)
    return (
      <p role="status" className="muted" aria-label="Proxy status">
        Proxy status unavailable: {view.reason}
      </p>
    );
  const all = view.inEffect === view.total;
  const counted = ` (${view.counted}${view.partial ? `; ${view.partial}` : ''})`;
  if (all)
    return (
      <p role="status" className="ok" aria-label="Proxy status">
        In effect at {view.inEffect} of {proxies(view.total)}
        {counted}.
      </p>
    );
  if (!settled)
    return (
      <p role="status" aria-label="Proxy status">
        In effect at {view.inEffect} of {view.total} proxies{counted}; waiting for the rest…
      </p>
    );
  return (
    <div role="alert" className="warn" aria-label="Stale proxies">
      <p>
        In effect at only {view.inEffect} of {view.total} proxies{counted}: {proxies(view.stale.length)} still{' '}
        {view.stale.length === 1 ? 'has' : 'have'} the old configuration.
      </p>
      <ul>
        {view.stale.map((p) => (
          <li key={p.id}>
            {p.kind} <code>{p.id}</code>: {p.why}
          </li>
        ))}
      </ul>
    </div>
  );
}
