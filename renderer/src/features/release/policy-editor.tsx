import { useMemo } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { ApiClient } from '../../api/api-client.ts';
import type { ApplyStore } from '../../stores/apply-store.ts';
import type { ReleaseEdit, ReleaseStore } from '../../stores/release-store.ts';
import { desiredInput, editChanged, editKey } from '../../stores/release-store.ts';
import { useRuleChecks } from '../rules/rule-checks.ts';
import { RulePreview, useRulePreview } from '../rules/rule-preview.tsx';
import { RuleReach } from '../rules/rule-reach.tsx';
import { RulesEditor } from '../rules/rules-editor.tsx';
import { estimatedForSplit } from '../traffic/traffic-figures.ts';
import { MirrorStickyControls } from './mirror-sticky-controls.tsx';
import { SplitEditor } from './split-editor.tsx';

interface PolicyEditorProps {
  api: ApiClient;
  contextId: string;
  view: ReleaseView;
  edit: ReleaseEdit;
  releases: ReleaseStore;
  apply: ApplyStore;
  color: (version: string) => string;
  /** The grayscale release this edit belongs to (the wizard), if any. */
  workflowId?: string;
}

/** The split, the content rules with their live preview, and Review / Discard. */
export function PolicyEditor({
  api,
  contextId,
  view,
  edit,
  releases,
  apply,
  color,
  workflowId,
}: PolicyEditorProps) {
  const key = editKey(contextId, view.releaseId);
  const s = releases.getState();
  const changed = editChanged(edit);
  const editable = view.editable && !edit.conflict;
  const versions = useMemo(() => view.versions.map((v) => v.name), [view.versions]);
  const newRuleVersion = useMemo(() => view.versions.findLast((v) => v.declared)?.name, [view.versions]);
  const checks = useRuleChecks(api, edit.rules, versions);
  const preview = useRulePreview(api, contextId, view.releaseId, edit, checks);
  const traffic = useMemo(
    () =>
      estimatedForSplit(
        preview.preview,
        edit.split,
        preview.sample === 'demo' ? undefined : preview.sample.fileName,
      ),
    [preview.preview, preview.sample, edit.split],
  );

  return (
    <>
      <SplitEditor
        split={edit.split}
        editable={editable}
        color={color}
        notice={edit.notice}
        onMove={(version, weight) => s.move(key, version, weight)}
        onLock={(version, locked) => s.lock(key, version, locked)}
        onEven={() => s.even(key)}
        traffic={traffic}
      />
      <MirrorStickyControls
        view={view}
        extras={edit.extras}
        editable={editable}
        onChange={(extras) => s.edit(key, () => ({ extras }))}
      />
      <RulesEditor
        editKey={key}
        rules={edit.rules}
        versions={versions}
        newRuleVersion={newRuleVersion}
        editable={editable}
        lint={view.lint}
        flavor={view.flavor}
        store={releases}
        preview={preview.byRule}
        checks={checks}
      />
      <RulePreview state={preview} />
      <RuleReach api={api} view={view} apply={apply} />
      <div className="row sticky-actions">
        <button
          type="button"
          disabled={!editable || !changed || checks.firstBroken !== undefined}
          aria-describedby={checks.firstBroken ? 'review-blocked' : undefined}
          onClick={() =>
            void apply
              .getState()
              .plan(
                contextId,
                view.releaseId,
                desiredInput(releases.getState().edits[key] ?? edit),
                `Change ${view.name}`,
                workflowId,
              )
          }
          aria-keyshortcuts="Control+Enter"
        >
          Review changes
        </button>
        <button type="button" className="secondary" disabled={!changed} onClick={() => s.discard(key)}>
          Discard changes
        </button>
        {checks.firstBroken && (
          <span id="review-blocked" className="muted small">
            Fix the marked field first. {checks.firstBroken}
          </span>
        )}
      </div>
    </>
  );
}
