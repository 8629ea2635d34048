import { useMemo } from 'react';
import type { ReleaseView } from '../../../../shared/api/console-schemas.ts';
import type { ReleaseEdit, ReleaseStore } from '../../stores/release-store.ts';
import { SplitEditor } from '../release/split-editor.tsx';
import { VersionCard } from '../release/version-card.tsx';
import { RulesEditor } from '../rules/rules-editor.tsx';

const noCutOver = () => {};

/**
 * The draft's split and content rules, edited in the release store under the draft's own key.
 * Always editable: a draft never touches the cluster; what stops an apply is said when applying.
 */
export function DraftPolicy({
  release,
  editKey,
  draft,
  releases,
  color,
}: {
  release: ReleaseView;
  editKey: string;
  draft: ReleaseEdit;
  releases: ReleaseStore;
  color: (version: string) => string;
}) {
  const s = releases.getState();
  const versions = useMemo(() => release.versions.map((v) => v.name), [release.versions]);
  return (
    <>
      {!release.editable && release.readOnlyReasons.length > 0 && (
        <div role="note" aria-label="When applying" className="banner banner-warn">
          <strong>When applying:</strong> {release.readOnlyReasons.join(' ')}
        </div>
      )}
      <div className="version-cards">
        {release.versions.map((v) => (
          <VersionCard
            key={v.name}
            version={v}
            color={color(v.name)}
            desiredWeight={draft.split.find((x) => x.version === v.name)?.weight ?? 0}
            isRollbackTarget={false}
            editable={false}
            onCutOver={noCutOver}
          />
        ))}
      </div>
      <SplitEditor
        split={draft.split}
        editable
        color={color}
        notice={draft.notice}
        onMove={(version, weight) => s.move(editKey, version, weight)}
        onLock={(version, locked) => s.lock(editKey, version, locked)}
        onEven={() => s.even(editKey)}
      />
      <RulesEditor
        editKey={editKey}
        rules={draft.rules}
        versions={versions}
        editable
        lint={release.lint}
        store={releases}
      />
    </>
  );
}
