import { useState } from 'react';
import type { ContextSummary } from '../../../../shared/api/contract.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import type { DraftsStore } from '../../stores/drafts-store.ts';

interface ImportFormProps {
  contexts: ContextSummary[];
  defaultContextId: string | undefined;
  drafts: DraftsStore;
  onDone: () => void;
}

/** A draft whose base is the operator's own YAML: files and/or pasted text, for one context. */
export function ImportForm({ contexts, defaultContextId, drafts, onDone }: ImportFormProps) {
  const [contextId, setContextId] = useState(defaultContextId ?? contexts[0]?.id ?? '');
  const [namespace, setNamespace] = useState('');
  const [host, setHost] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();

  const submit = async () => {
    const problem =
      contextId === ''
        ? 'Choose the context the draft is for.'
        : namespace.trim() === ''
          ? 'Give the namespace the objects belong to.'
          : files.length === 0 && text.trim() === ''
            ? 'Choose YAML files or paste YAML.'
            : undefined;
    if (problem) {
      setError({ code: 'invalid-request', message: problem });
      return;
    }
    setBusy(true);
    const read = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
    const all = text.trim() === '' ? read : [...read, { name: 'pasted.yaml', text }];
    const failed = await drafts.getState().importYaml({
      contextId,
      namespace: namespace.trim(),
      host: host.trim() || undefined,
      files: all,
    });
    setBusy(false);
    setError(failed);
    if (!failed) onDone();
  };

  return (
    <form
      aria-label="Import YAML"
      className="import-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Context{' '}
        <select aria-label="Context" value={contextId} onChange={(e) => setContextId(e.target.value)}>
          {contexts.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Namespace{' '}
        <input aria-label="Namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
      </label>
      <label>
        Host (optional){' '}
        <input
          aria-label="Host"
          placeholder="needed when the files route several hosts"
          value={host}
          onChange={(e) => setHost(e.target.value)}
        />
      </label>
      <label>
        YAML files{' '}
        <input
          type="file"
          aria-label="YAML files"
          multiple
          accept=".yaml,.yml,text/yaml"
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </label>
      <label className="import-text">
        YAML
        <textarea
          aria-label="YAML"
          rows={8}
          placeholder="apiVersion: networking.istio.io/v1 …"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {error && (
        <div role="alert" className="banner banner-error">
          {error.message}
        </div>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating the draft…' : 'Create draft from YAML'}
        </button>
      </div>
    </form>
  );
}
