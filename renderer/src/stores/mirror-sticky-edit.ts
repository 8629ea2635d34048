// The mirror and sticky parts of a release edit. Absent means "as the cluster has it": the
// controls set a part only when the operator changes it to something the cluster does not have.

import type { DesiredReleaseInput, ReleaseView } from '../../../shared/api/console-schemas.ts';

export interface MirrorStickyEdit {
  /** null: stop mirroring. */
  mirror?: { version: string; percentage: number } | null;
  sticky?: { enabled: boolean; maxAgeSeconds?: number };
}

export const DEFAULT_MIRROR_PERCENT = 10;
export const DEFAULT_STICKY_HOURS = 24;

/** The mirror the edit ends with (the edit's, else the view's). */
export function mirrorOf(view: ReleaseView, extras: MirrorStickyEdit | undefined) {
  return extras?.mirror !== undefined ? extras.mirror : (view.mirror ?? null);
}

/** The sticky option the edit ends with. */
export function stickyOf(view: ReleaseView, extras: MirrorStickyEdit | undefined) {
  if (extras?.sticky) return extras.sticky;
  return view.sticky
    ? { enabled: true, ...(view.sticky.maxAgeSeconds ? { maxAgeSeconds: view.sticky.maxAgeSeconds } : {}) }
    : { enabled: false };
}

/** The edit's parts that differ from the view, or undefined when none does. */
export function normalizeExtras(view: ReleaseView, next: MirrorStickyEdit): MirrorStickyEdit | undefined {
  const out: MirrorStickyEdit = {};
  const m = next.mirror;
  const viewMirror = view.mirror ?? null;
  if (m !== undefined && JSON.stringify(m) !== JSON.stringify(viewMirror)) out.mirror = m;
  const s = next.sticky;
  if (s !== undefined) {
    const same = s.enabled
      ? view.sticky !== undefined &&
        (s.maxAgeSeconds ?? view.sticky.maxAgeSeconds) === view.sticky.maxAgeSeconds
      : view.sticky === undefined;
    if (!same) out.sticky = s;
  }
  return out.mirror === undefined && out.sticky === undefined ? undefined : out;
}

/** True when the view already has every part the edit asks for (nothing left to apply). */
export function extrasLanded(view: ReleaseView, extras: MirrorStickyEdit | undefined): boolean {
  return !extrasChanged(extras) || normalizeExtras(view, extras as MirrorStickyEdit) === undefined;
}

export function extrasChanged(extras: MirrorStickyEdit | undefined): boolean {
  return extras !== undefined && (extras.mirror !== undefined || extras.sticky !== undefined);
}

/** The contract's `mirror` and `sticky` for an edit. */
export function extrasInput(
  extras: MirrorStickyEdit | undefined,
): Pick<DesiredReleaseInput, 'mirror' | 'sticky'> {
  return {
    ...(extras?.mirror !== undefined ? { mirror: extras.mirror } : {}),
    ...(extras?.sticky !== undefined ? { sticky: extras.sticky } : {}),
  };
}
