import { useEffect, useRef, useState } from 'react';

/** "Abort release": says what happens, and whether the new version's pods are kept or scaled to zero. */
export function AbortDialog({
  version,
  stable,
  created,
  onConfirm,
  onCancel,
}: {
  version: string;
  stable: string;
  /** Whether the release exists in the cluster yet (before that, aborting only closes the wizard). */
  created: boolean;
  onConfirm: (scaleToZero: boolean) => void;
  onCancel: () => void;
}) {
  const [scale, setScale] = useState(true);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const title = `Abort the release of ${version}?`;
  return (
    <div className="modal-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-label={title}
        aria-describedby="abort-body"
        className="modal small-modal"
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2>{title}</h2>
        <p id="abort-body">
          {created
            ? `All traffic goes back to ${stable} and the content rules that send requests to ${version} are removed. This is applied to the cluster right away.`
            : 'Nothing has been created yet: the wizard just closes.'}
        </p>
        {created && (
          <label>
            <input type="checkbox" checked={scale} onChange={(e) => setScale(e.target.checked)} /> Scale{' '}
            {version} to zero replicas
          </label>
        )}
        <div className="modal-actions">
          <button type="button" className="danger" onClick={() => onConfirm(scale)}>
            Abort release
          </button>
          <button ref={cancel} type="button" className="secondary" onClick={onCancel}>
            Keep going
          </button>
        </div>
      </div>
    </div>
  );
}
