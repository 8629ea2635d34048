import type { LintFindingView } from '../../../../shared/api/console-schemas.ts';

/** The mixed and ambient mesh codes (shared/mesh/lint/lint-mesh-modes.ts). */
const MESH_MODE_CODES = new Set(['SY170', 'SY171', 'SY172', 'SY173', 'SY174']);

export function meshModeNotes(lint: readonly LintFindingView[]): LintFindingView[] {
  return lint.filter((f) => MESH_MODE_CODES.has(f.code));
}

/**
 * What the data plane does with this service's route: a VirtualService and an HTTPRoute both
 * routing it, a VirtualService in an ambient namespace, an HTTPRoute applied by a waypoint, or one
 * whose catch-all an older HTTPRoute on the same Service takes first.
 */
export function MeshModeNotes({ lint }: { lint: readonly LintFindingView[] }) {
  const notes = meshModeNotes(lint);
  if (notes.length === 0) return null;
  return (
    <section aria-label="Mesh mode" className="mesh-mode">
      <ul className="lint-list">
        {notes.map((f) => (
          <li
            key={`${f.code}-${f.object.kind}-${f.object.name}-${f.path}`}
            className={`lint lint-${f.severity}`}
          >
            <strong>{f.code}</strong> {f.object.kind} {f.object.namespace}/{f.object.name}: {f.message}.{' '}
            <span className="muted">{f.hint}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
