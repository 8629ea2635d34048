import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';

/** A yes/no question that names what will change; Escape or Cancel says no. */
export function ConfirmDialog({
  title,
  body,
  children,
  confirmLabel,
  confirmDisabled = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  /** More than one sentence: choices, a list of what happens to each object. */
  children?: ReactNode;
  confirmLabel: string;
  /** While what would change is still being worked out, or cannot be applied. */
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirm = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus once, when the dialog opens
  useEffect(() => (confirmDisabled ? dialog.current : confirm.current)?.focus(), []);
  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        tabIndex={-1}
        role="alertdialog"
        aria-modal="true"
        aria-label={title}
        aria-describedby="confirm-body"
        className="modal small-modal"
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2>{title}</h2>
        <p id="confirm-body">{body}</p>
        {children}
        <div className="modal-actions">
          <button ref={confirm} type="button" disabled={confirmDisabled} onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
