import { memo, useEffect, useMemo, useState } from 'react';
import type { PreviewView } from '../../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../../shared/api/errors.ts';
import {
  jsonStringBytes,
  MAX_SAMPLE_JSONL_BYTES,
  sampleTooLargeMessage,
} from '../../../../shared/api/limits.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ReleaseEdit } from '../../stores/release-store.ts';
import { desiredInput } from '../../stores/release-store.ts';
import type { RuleChecks } from './rule-checks.ts';

export type PreviewSample = 'demo' | { jsonl: string; fileName: string };

export interface RulePreviewState {
  preview?: PreviewView;
  error?: ApiError;
  sample: PreviewSample;
  setSample(sample: PreviewSample): void;
  /** Percent of sample traffic each rule catches, by rule key (for RulesEditor). */
  byRule: Record<string, number> | undefined;
  /** Why there is no preview now: a rule that cannot compile (numbered as on screen). */
  held?: string;
}

const DEBOUNCE_MS = 250;

/**
 * Re-previews the desired rules and split whenever they change, a moment after the last edit. While
 * a rule cannot compile (`checks`), nothing is previewed and no share is claimed for any rule; while
 * RE2's verdict on a new pattern is awaited, the preview waits for it.
 */
export function useRulePreview(
  api: ApiClient,
  contextId: string,
  releaseId: string,
  edit: ReleaseEdit | undefined,
  checks?: RuleChecks,
): RulePreviewState {
  const [sample, setSample] = useState<PreviewSample>('demo');
  const [preview, setPreview] = useState<PreviewView>();
  const [error, setError] = useState<ApiError>();
  const desired = useMemo(() => (edit ? JSON.stringify(desiredInput(edit)) : undefined), [edit]);
  const held = checks?.firstBroken;
  const waiting = checks?.pending === true;

  useEffect(() => {
    if (held !== undefined) {
      setPreview(undefined);
      setError(undefined);
    }
  }, [held]);

  useEffect(() => {
    if (!desired || held !== undefined || waiting) return;
    let stale = false;
    const timer = setTimeout(async () => {
      const result = await api.call('release.preview', {
        contextId,
        releaseId,
        desired: JSON.parse(desired),
        sample: sample === 'demo' ? 'demo' : { jsonl: sample.jsonl },
      });
      if (stale) return;
      if (result.ok) {
        setPreview(result.value);
        setError(undefined);
      } else {
        // An old preview would claim shares for rules that are not what is typed now.
        setPreview(undefined);
        setError(result.error);
      }
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, contextId, releaseId, desired, sample, held, waiting]);

  const rules = edit?.rules;
  const byRule = useMemo(() => {
    if (!preview || !rules) return undefined;
    const out: Record<string, number> = {};
    for (const r of preview.rules) {
      const rule = rules[r.position];
      if (rule) out[rule.key] = r.share * 100;
    }
    return out;
  }, [preview, rules]);

  // One object per actual change, so the memoized preview and rules editor skip split edits.
  return useMemo(
    () => ({
      ...(preview ? { preview } : {}),
      ...(error ? { error } : {}),
      ...(held ? { held } : {}),
      sample,
      setSample,
      byRule,
    }),
    [preview, error, held, sample, byRule],
  );
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * Reads a sample file unless it is over the contract's limit: its size is checked before a byte is
 * read, and the text again as it would travel (escapes make it bigger), so no call is ever sent
 * that the contract, or the browser-mode socket, would refuse.
 */
export async function readSampleFile(
  file: Pick<File, 'name' | 'size' | 'text'>,
): Promise<{ jsonl: string } | { refused: string }> {
  const refuse = (bytes: number) => ({
    refused: `Cannot preview ${file.name}: ${sampleTooLargeMessage(bytes)}.`,
  });
  if (file.size > MAX_SAMPLE_JSONL_BYTES) return refuse(file.size);
  const jsonl = await file.text();
  const bytes = jsonStringBytes(jsonl);
  return bytes > MAX_SAMPLE_JSONL_BYTES ? refuse(bytes) : { jsonl };
}

/** Where the sample would go, and the choice of sample: the demo population or an imported JSONL file. */
export const RulePreview = memo(function RulePreview({ state }: { state: RulePreviewState }) {
  const { preview, error, held, sample, setSample } = state;
  const [refused, setRefused] = useState<string>();
  return (
    <section className="rule-preview" aria-label="Live preview">
      <div className="row">
        <strong>Live preview</strong>
        <span className="muted small">
          {sample === 'demo' ? 'demo population' : sample.fileName}
          {preview ? ` · ${preview.total.toLocaleString()} requests` : ''}
        </span>
        <label className="file-input">
          <span className="secondary button-like">Import sample traffic (JSONL)</span>
          <input
            type="file"
            accept=".jsonl,.ndjson,.json,application/x-ndjson,text/plain"
            aria-label="Import sample traffic (JSONL)"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const read = await readSampleFile(file);
              if ('refused' in read) return setRefused(read.refused);
              setRefused(undefined);
              setSample({ jsonl: read.jsonl, fileName: file.name });
            }}
          />
        </label>
        {sample !== 'demo' && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setRefused(undefined);
              setSample('demo');
            }}
          >
            Use the demo population
          </button>
        )}
      </div>
      {refused && (
        <div role="alert" className="banner banner-error">
          {refused}
        </div>
      )}
      {held && (
        <p className="muted" role="status">
          No preview until every rule can compile. {held}
        </p>
      )}
      {error && !held && (
        <div role="alert" className="banner banner-error">
          Preview failed: {error.message}
        </div>
      )}
      {preview && (
        <ul className="preview-shares" aria-label="Sample traffic by version">
          {preview.versions.map((v) => (
            <li key={v.version}>
              {v.version}: {pct(v.share)}
            </li>
          ))}
          {preview.other.map((o) => (
            <li key={o.outcome} className="lint-error">
              {o.outcome}: {pct(o.share)}
            </li>
          ))}
          <li className="muted">caught by no rule: {pct(preview.unmatched.share)}</li>
        </ul>
      )}
      {preview?.pinned && (
        <ul className="preview-shares" aria-label="First visits pinned by the sticky cookie">
          {preview.pinned.map((p) => (
            <li key={p.version}>
              pinned to {p.version}: {pct(p.share)}
            </li>
          ))}
        </ul>
      )}
      {preview?.mirrored && (
        <ul className="preview-shares" aria-label="Requests copied by the mirror">
          {preview.mirrored.map((m) => (
            <li key={m.version}>
              copied to {m.version}: {pct(m.share)} (answers discarded)
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
