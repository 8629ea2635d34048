// Kept apart from draft-schemas.ts, which builds zod schemas: the renderer's first screen reads
// this constant, and importing it from there would put zod on the first screen.

/** A context id of the form `draft:<id>` names a draft's own views (never a cluster). */
export const DRAFT_CONTEXT_PREFIX = 'draft:';
