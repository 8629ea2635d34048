import { useEffect, useState } from 'react';
import type { DraftsStore } from '../../stores/drafts-store.ts';

/** Export as kubectl YAML, as a JSON Patch, or as an edit of the operator's own YAML file. */
export function DraftExport({ drafts }: { drafts: DraftsStore }) {
  const exported = drafts((s) => s.exported);
  const exporting = drafts((s) => s.busy === 'exporting');
  const [url, setUrl] = useState<string>();

  useEffect(() => {
    if (!exported) {
      setUrl(undefined);
      return;
    }
    const type = exported.format === 'json-patch' ? 'application/json' : 'application/yaml';
    const href = URL.createObjectURL(new Blob([exported.text], { type }));
    setUrl(href);
    return () => URL.revokeObjectURL(href);
  }, [exported]);

  const s = drafts.getState();
  return (
    <section aria-label="Export" className="draft-export">
      <h3>Export</h3>
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={exporting}
          onClick={() => void s.exportAs('kubectl-yaml')}
        >
          Export kubectl YAML
        </button>
        <button
          type="button"
          className="secondary"
          disabled={exporting}
          onClick={() => void s.exportAs('json-patch')}
        >
          Export JSON Patch
        </button>
        <label className="file-input button-like">
          Edit my YAML file…
          <input
            type="file"
            aria-label="Edit my YAML file"
            accept=".yaml,.yml,text/yaml"
            disabled={exporting}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) await s.exportAs('file-edit', { name: file.name, text: await file.text() });
            }}
          />
        </label>
      </div>
      {exported && (
        <div className="export-result">
          {url && (
            <a href={url} download={exported.fileName}>
              Download {exported.fileName}
            </a>
          )}
          {exported.edited && exported.edited.length > 0 && (
            <p className="small">Edited in the file: {exported.edited.join(', ')}.</p>
          )}
          {exported.notInFile && exported.notInFile.length > 0 && (
            <p className="small warn">
              Not in the file (export them as kubectl YAML): {exported.notInFile.join(', ')}.
            </p>
          )}
          <textarea aria-label="Exported text" readOnly rows={12} className="mono" value={exported.text} />
        </div>
      )}
    </section>
  );
}
