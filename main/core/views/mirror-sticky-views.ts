// The release view's `mirror` (the catch-all route's mirror to a version) and `sticky` fields.

import type { ReleaseView } from '../../../shared/api/console-schemas.ts';
import type { ServiceRelease } from '../../../shared/mesh/model/index.ts';
import { catchAllMirror } from '../../../shared/mesh/plan/index.ts';

export function mirrorAndStickyViews(release: ServiceRelease): Pick<ReleaseView, 'mirror' | 'sticky'> {
  const m = catchAllMirror(release);
  const s = release.sticky;
  return {
    ...(m?.version !== undefined ? { mirror: { version: m.version, percentage: m.percentage } } : {}),
    ...(s
      ? {
          sticky: {
            cookie: s.cookie,
            ...(s.maxAgeSeconds !== undefined ? { maxAgeSeconds: s.maxAgeSeconds } : {}),
            versions: [...s.versions],
          },
        }
      : {}),
  };
}
