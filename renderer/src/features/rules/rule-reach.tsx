import { useCallback, useEffect, useState } from 'react';
import type { CallersView } from '../../../../shared/api/call-graph-schemas.ts';
import type { ContentRuleView, ReleaseView } from '../../../../shared/api/console-schemas.ts';
import { DRAFT_CONTEXT_PREFIX } from '../../../../shared/api/draft-context.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import { formatMetric } from '../../../../shared/metrics/metric-format.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';

const HEADER_KINDS = new Set(['header', 'cookie', 'os', 'browser']);

/** Whether a rule reads a request header (only headers travel on to the services a service calls). */
export function readsHeaders(rule: ContentRuleView): boolean {
  return (
    rule.conditions?.some((and) => and.some((c) => HEADER_KINDS.has(c.kind))) ??
    /headers:/.test(rule.matchYaml)
  );
}

const shortHost = (host: string) => host.split('.')[0] ?? host;

interface RuleReachProps {
  api: ApiClient;
  view: ReleaseView;
  apply: ApplyStore;
}

/**
 * Where the applied content rules reach: whether the service is an entry point (else which callers
 * must forward the headers the rules read), and the same rule on the services it calls.
 */
export function RuleReach({ api, view, apply }: RuleReachProps) {
  const { contextId, releaseId } = view;
  const [callers, setCallers] = useState<CallersView | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const offline = view.snapshotAt !== undefined || contextId.startsWith(DRAFT_CONTEXT_PREFIX);
  const rules = view.rules.filter((r) => r.enabled);

  const load = useCallback(() => {
    let live = true;
    void api.call('release.callers', { contextId, releaseId }).then((r) => {
      if (!live) return;
      if (r.ok) setCallers(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, contextId, releaseId]);

  useEffect(() => {
    setCallers(undefined);
    setError(undefined);
    if (offline || rules.length === 0) return;
    return load();
  }, [load, offline, rules.length]);

  if (offline || rules.length === 0) return null;

  const addDownstream = async (rule: ContentRuleView, targets: string[], names: string[]) => {
    const r = await api.call('release.planDownstream', { contextId, releaseId, ruleId: rule.id, targets });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    apply.getState().openPlan(r.value, `Rule ${rule.name ?? rule.id} on ${names.join(', ')}`);
  };

  return (
    <section className="rule-reach" aria-label="Where the rules reach">
      <h4>Where the rules reach</h4>
      {error && (
        <p role="alert" className="banner banner-error">
          {error.message}
        </p>
      )}
      {!callers && !error && <p className="muted small">Reading the callers from the mesh's metrics…</p>}
      {callers && !callers.known && <p className="muted small">Callers unknown: {callers.reason}</p>}
      {callers?.known && (
        <>
          <p role="note" className={callers.kind === 'internal' ? 'banner banner-warn' : 'muted small'}>
            {callers.summary}
          </p>
          {callers.callers.length > 0 && (
            <ul aria-label="Callers" className="small">
              {callers.callers.map((c) => (
                <li key={`${c.namespace}/${c.workload}`}>
                  {c.workload}{' '}
                  <span className="muted">
                    ({c.namespace}, {formatMetric('rps', c.rps)}
                  </span>
                  <span className="muted">{c.edge ? ', the mesh edge)' : ')'}</span>
                </li>
              ))}
            </ul>
          )}
          <DownstreamList callers={callers} rules={rules} onAdd={addDownstream} />
          <button type="button" className="secondary" onClick={() => load()}>
            Check the callers again
          </button>
        </>
      )}
    </section>
  );
}

function DownstreamList({
  callers,
  rules,
  onAdd,
}: {
  callers: Extract<CallersView, { known: true }>;
  rules: ContentRuleView[];
  onAdd: (rule: ContentRuleView, targets: string[], names: string[]) => Promise<void>;
}) {
  if (callers.downstream.length === 0) return null;
  return (
    <ul aria-label="Services this one calls" className="small">
      {callers.downstream.map((d) => {
        const name = shortHost(d.host);
        const fits = rules.filter((r) => readsHeaders(r) && d.sameVersions.includes(r.version));
        return (
          <li key={d.host}>
            {name}{' '}
            <span className="muted">
              ({formatMetric('rps', d.rps)}; versions {d.versions.join(', ') || 'unknown'})
            </span>
            {d.blocked && <span className="muted"> — {d.blocked}</span>}
            {!d.blocked && fits.length === 0 && (
              <span className="muted"> — none of the rules' versions runs there</span>
            )}
            {!d.blocked &&
              d.releaseId &&
              fits.map((r) => (
                <button
                  key={r.id}
                  type="button"
                  className="secondary small"
                  onClick={() => void onAdd(r, [d.releaseId as string], [name])}
                >
                  Add rule {r.name ?? r.id} to {name}
                </button>
              ))}
          </li>
        );
      })}
    </ul>
  );
}
