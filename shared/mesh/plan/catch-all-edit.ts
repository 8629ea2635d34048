// The start of an edit of the catch-all route's options (mirror, sticky sessions): an editable
// VirtualService release with a catch-all route, copied so the edit can set its own field.

import type { ServiceRelease } from '../model/index.ts';
import { ReleaseEditError } from '../model/index.ts';
import type { DesiredRelease } from './release-edits.ts';
import { desiredOf } from './release-edits.ts';

export function beginCatchAllEdit(x: ServiceRelease | DesiredRelease, what: string): DesiredRelease {
  const d = 'release' in x && 'split' in x ? x : desiredOf(x);
  const r = d.release;
  if (!r.editable) {
    throw new ReleaseEditError(
      `${r.route.kind} ${r.route.namespace}/${r.route.name} is read-only: ${r.readOnlyReasons.join('; ')}`,
      r.route,
    );
  }
  if (r.flavor !== 'istio') {
    throw new ReleaseEditError(
      `${what} needs a VirtualService (not supported on Gateway API routes)`,
      r.route,
      'spec.rules',
    );
  }
  if (!r.defaultRoute) {
    throw new ReleaseEditError(
      `${r.route.kind} ${r.route.name} has no catch-all route (one without match) for ${what}`,
      r.route,
      'spec.http',
    );
  }
  return { ...d };
}
