// The `mirror` and `sticky` parts of a DesiredReleaseInput, applied after the split and the rules
// (sticky rules follow the final split). An edit the release cannot take answers 'invalid-request'.

import type { DesiredReleaseInput } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { ReleaseEditError } from '../../../shared/mesh/model/index.ts';
import type { DesiredRelease } from '../../../shared/mesh/plan/index.ts';
import {
  catchAllMirror,
  clearMirror,
  clearSticky,
  setMirror,
  setSticky,
} from '../../../shared/mesh/plan/index.ts';

function unchangedMirror(d: DesiredRelease, want: DesiredReleaseInput['mirror']): boolean {
  const m = catchAllMirror(d.release);
  if (want === null) return m === undefined;
  return (
    m !== undefined && want !== undefined && m.version === want.version && m.percentage === want.percentage
  );
}

function unchangedSticky(d: DesiredRelease, want: NonNullable<DesiredReleaseInput['sticky']>): boolean {
  const s = d.release.sticky;
  if (!want.enabled) return s === undefined;
  return (
    s !== undefined &&
    (want.cookie === undefined || want.cookie === s.cookie) &&
    (want.maxAgeSeconds === undefined || want.maxAgeSeconds === s.maxAgeSeconds)
  );
}

export function withMirrorAndSticky(desired: DesiredRelease, input: DesiredReleaseInput): DesiredRelease {
  let d = desired;
  try {
    if (input.mirror !== undefined && !unchangedMirror(d, input.mirror)) {
      d = input.mirror === null ? clearMirror(d) : setMirror(d, input.mirror);
    }
    const sticky = input.sticky;
    if (sticky !== undefined && !unchangedSticky(d, sticky)) {
      d = sticky.enabled
        ? setSticky(d, {
            ...(sticky.cookie !== undefined ? { cookie: sticky.cookie } : {}),
            ...(sticky.maxAgeSeconds !== undefined ? { maxAgeSeconds: sticky.maxAgeSeconds } : {}),
          })
        : clearSticky(d);
    }
  } catch (err) {
    if (err instanceof ReleaseEditError) throw new ApiFailure('invalid-request', err.message);
    throw err;
  }
  return d;
}
