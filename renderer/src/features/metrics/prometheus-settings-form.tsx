import { useState } from 'react';
import type { PrometheusSettingsView } from '../../../../shared/api/metrics-schemas.ts';
import type { MetricsStore } from '../../stores/metrics-store.ts';

interface PrometheusSettingsFormProps {
  store: MetricsStore;
  settings: PrometheusSettingsView | undefined;
}

/** Where Prometheus is for this context: a URL and an optional token or user; empty to search again. */
export function PrometheusSettingsForm({ store, settings }: PrometheusSettingsFormProps) {
  const [url, setUrl] = useState(settings?.url ?? '');
  const [kind, setKind] = useState<'none' | 'bearer' | 'basic'>(settings?.authKind ?? 'none');
  const [token, setToken] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();

  const save = async () => {
    const trimmed = url.trim();
    const auth =
      kind === 'bearer'
        ? token
          ? { kind, token }
          : undefined
        : kind === 'basic'
          ? user
            ? { kind, username: user, password }
            : undefined
          : { kind };
    const failed = await store.getState().saveSettings(trimmed === '' ? null : trimmed, auth);
    setError(failed?.message);
  };

  return (
    <form
      aria-label="Prometheus for this context"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label>
        Prometheus URL{' '}
        <input
          type="url"
          value={url}
          placeholder="https://prometheus.example.com"
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>{' '}
      <label>
        Authentication{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="none">None</option>
          <option value="bearer">Bearer token</option>
          <option value="basic">User and password</option>
        </select>
      </label>{' '}
      {kind === 'bearer' && (
        <label>
          Token{' '}
          <input
            type="password"
            value={token}
            placeholder={settings?.authKind === 'bearer' ? 'stored (leave empty to keep)' : ''}
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
      )}
      {kind === 'basic' && (
        <>
          <label>
            User <input value={user} onChange={(e) => setUser(e.target.value)} />
          </label>{' '}
          <label>
            Password <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
        </>
      )}{' '}
      <button type="submit">Save</button>
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
    </form>
  );
}
