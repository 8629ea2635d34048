import { useEffect, useId, useState } from 'react';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { NamespaceSettingsView } from '../../../../shared/api/session-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';

/** `shop, bookinfo  payments` → ['shop', 'bookinfo', 'payments'] (commas or spaces, no repeats). */
export function parseNamespaceList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function describeScope(view: NamespaceSettingsView): string {
  const watched =
    view.effective === 'all'
      ? 'all namespaces'
      : view.effective.length === 0
        ? 'no namespace'
        : `namespaces ${view.effective.join(', ')}`;
  return `Watching ${watched}.`;
}

interface NamespaceScopeProps {
  api: ApiClient;
  contextId: string;
  contextName: string;
  /** The session's status and reason: what is watched is known again when they change. */
  sessionState: string;
  /** After a change: the session re-listed what it watches, so the services list is stale. */
  onChanged: () => void;
}

/**
 * Which namespaces a context's session lists and watches: all of them, or a chosen few (for
 * operators whose access is limited to some namespaces, and for very large clusters).
 */
export function NamespaceScope({
  api,
  contextId,
  contextName,
  sessionState,
  onChanged,
}: NamespaceScopeProps) {
  const [view, setView] = useState<NamespaceSettingsView>();
  const [mode, setMode] = useState<'all' | 'chosen'>('all');
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const headingId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: sessionState is the trigger to ask again.
  useEffect(() => {
    let live = true;
    void api.call('sessions.namespaces.get', { contextId }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setView(r.value);
        setMode(r.value.mode);
        setText(r.value.namespaces.join(', '));
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api, contextId, sessionState]);

  const chosen = parseNamespaceList(text);
  const unchanged =
    view !== undefined && mode === view.mode && chosen.join(',') === view.namespaces.join(',');

  const save = async () => {
    setSaving(true);
    const r = await api.call('sessions.namespaces.set', { contextId, mode, namespaces: chosen });
    setSaving(false);
    if (!r.ok) return setError(r.error);
    setError(undefined);
    setView(r.value);
    onChanged();
  };

  return (
    <section className="panel namespace-scope" aria-labelledby={headingId}>
      <h2 id={headingId}>Namespaces of {contextName}</h2>
      {view && (
        <p role="status" aria-label="Watched namespaces">
          {describeScope(view)} {view.reason}
        </p>
      )}
      <fieldset>
        <legend>Which namespaces to watch</legend>
        <label>
          <input
            type="radio"
            name={`${headingId}-mode`}
            checked={mode === 'all'}
            onChange={() => setMode('all')}
          />{' '}
          All namespaces
        </label>
        <label>
          <input
            type="radio"
            name={`${headingId}-mode`}
            checked={mode === 'chosen'}
            onChange={() => setMode('chosen')}
          />{' '}
          Only these namespaces
        </label>
        <label className="block">
          Namespaces (comma or space separated){' '}
          <input
            type="text"
            aria-label="Namespaces to watch"
            value={text}
            disabled={mode !== 'chosen'}
            onChange={(e) => setText(e.target.value)}
            placeholder="shop, payments"
          />
        </label>
      </fieldset>
      {error && (
        <p role="alert" className="banner banner-error">
          {error.message}
        </p>
      )}
      <button
        type="button"
        onClick={() => void save()}
        disabled={saving || unchanged || (mode === 'chosen' && chosen.length === 0)}
      >
        {saving ? 'Saving…' : 'Save namespaces'}
      </button>
    </section>
  );
}
