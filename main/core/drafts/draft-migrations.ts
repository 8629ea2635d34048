// Stored drafts outlive app versions. Each entry of MIGRATIONS lifts a file from version n to n+1;
// loading runs them in order up to CURRENT_SCHEMA_VERSION, so a file from any past version opens.

import { CURRENT_SCHEMA_VERSION, DraftFormatError } from './draft-schema.ts';

type Json = Record<string, unknown>;

/**
 * Version 1 (the first release of drafts) kept epoch-millisecond `created`/`updated`, the base as
 * flat `baseSource` + `baseObjects`, and had no notes default nor `newObjects`.
 */
function v1ToV2(d: Json): Json {
  const { created, updated, baseSource, baseObjects, ...rest } = d;
  const iso = (ms: unknown, field: string): string => {
    if (typeof ms !== 'number' || !Number.isFinite(ms))
      throw new DraftFormatError(`schema 1 field '${field}' must be epoch milliseconds`);
    return new Date(ms).toISOString();
  };
  return {
    ...rest,
    schemaVersion: 2,
    notes: typeof d.notes === 'string' ? d.notes : '',
    createdAt: iso(created, 'created'),
    updatedAt: iso(updated, 'updated'),
    base: {
      source: baseSource ?? (Array.isArray(baseObjects) && baseObjects.length > 0 ? 'cache' : 'none'),
      capturedAt: iso(created, 'created'),
      files: [],
      objects: baseObjects ?? [],
    },
    desired: d.desired ?? null,
    newObjects: [],
  };
}

/**
 * Version 3 added the `snapshot` base source (a draft begun offline) and the optional `applied`
 * mark. A version 2 file is valid version 3 as it is; the bump keeps an older app from misreading
 * a draft whose base it does not know.
 */
function v2ToV3(d: Json): Json {
  return { ...d, schemaVersion: 3 };
}

/**
 * Version 4 added the optional `newVersion` (a version the draft creates, its Deployment kept in
 * `newObjects`). A version 3 file holds none; the bump keeps an older app from dropping one.
 */
function v3ToV4(d: Json): Json {
  return { ...d, schemaVersion: 4 };
}

/** MIGRATIONS[n] turns version n into n+1. */
export const MIGRATIONS: Record<number, (d: Json) => Json> = {
  1: v1ToV2,
  2: v2ToV3,
  3: v3ToV4,
};

/** Brings a parsed file to the current schema version (not yet validated). */
export function migrateDraft(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DraftFormatError('a draft file must hold a JSON object');
  let d = value as Json;
  const v = d.schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new DraftFormatError(
      `field 'schemaVersion' must be a positive integer, found ${JSON.stringify(v)}`,
    );
  if (v > CURRENT_SCHEMA_VERSION)
    throw new DraftFormatError(
      `schemaVersion ${v} is newer than this app understands (${CURRENT_SCHEMA_VERSION}); update Switchyard`,
    );
  for (let n = v; n < CURRENT_SCHEMA_VERSION; n++) {
    const step = MIGRATIONS[n];
    if (!step) throw new DraftFormatError(`no migration from schemaVersion ${n}`);
    d = step(d);
  }
  return d;
}
