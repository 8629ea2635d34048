// A snapshot file's text read in slices: its objects parsed one by one and checked one by one, with
// a turn of the event loop every few milliseconds. At 50,000 services a snapshot holds ~200,000
// objects (tens of MB): one JSON.parse of it and one zod check of the whole held main for
// hundreds of milliseconds each on the first offline read.

import { z } from 'zod';
import { describeZodIssues } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { nextTurn, SLICE_BUDGET_MS, sliceTimer } from '../cluster/event-loop-turn.ts';
import { parseListItemsSliced } from '../cluster/list-items.ts';
import type { Snapshot } from './snapshot-schema.ts';
import {
  SNAPSHOT_SCHEMA_VERSION,
  snapshotHeaderSchema,
  snapshotObjectSchema,
  snapshotSchema,
} from './snapshot-schema.ts';

export type ParsedSnapshotText =
  | { snapshot: Snapshot }
  /** Made by a newer Switchyard (this schema version). */
  | { newer: number }
  /** Not a snapshot: what zod found, as one line. */
  | { invalid: string };

export function newerVersionOf(value: unknown): number | undefined {
  const v = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  return typeof v === 'number' && v > SNAPSHOT_SCHEMA_VERSION ? v : undefined;
}

/** The file as one value, checked whole (a text that is no object with an `objects` array). */
function checkedWhole(text: string): ParsedSnapshotText {
  const value: unknown = JSON.parse(text);
  const version = newerVersionOf(value);
  if (version !== undefined) return { newer: version };
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) return { invalid: describeZodIssues(parsed.error) };
  return { snapshot: parsed.data as Snapshot };
}

/**
 * The snapshot in `text`, the same as `snapshotSchema.safeParse(JSON.parse(text))` gives (the same
 * issues, in the same order, when it is not one). Throws a SyntaxError on text that is not JSON.
 */
export async function parseSnapshotText(
  text: string,
  budgetMs = SLICE_BUDGET_MS,
): Promise<ParsedSnapshotText> {
  const parsed = await parseListItemsSliced(text, (o) => o, nextTurn, budgetMs, 'objects');
  if (parsed.whole) return checkedWhole(text);
  const version = newerVersionOf(parsed.envelope);
  if (version !== undefined) return { newer: version };
  const slice = sliceTimer(budgetMs);
  const header = snapshotHeaderSchema.safeParse(parsed.envelope);
  const issues: z.core.$ZodIssue[] = header.success ? [] : [...header.error.issues];
  for (let i = 0; i < parsed.items.length; i++) {
    const checked = snapshotObjectSchema.safeParse(parsed.items[i]);
    if (!checked.success)
      for (const issue of checked.error.issues)
        issues.push({ ...issue, path: ['objects', i, ...issue.path] });
    if (slice.due()) await slice.pause();
  }
  if (!header.success || issues.length > 0) return { invalid: describeZodIssues(new z.ZodError(issues)) };
  return { snapshot: { ...header.data, objects: parsed.items as KubeObject[] } };
}
