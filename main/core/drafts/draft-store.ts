// Drafts on disk: one `<id>.json` per draft in the data folder's `drafts/` (0600 files in a 0700
// folder). A file that does not parse, migrate or validate, and an entry that is not a regular file
// at all (a folder or a FIFO named `x.json`), is renamed to `<file>.corrupt-<timestamp>` and
// reported, so the operator learns about it and can recover it by hand; it never hides the other
// drafts and is never silently dropped or overwritten. A draft written by a newer Switchyard is
// left as it is (a later app opens it again) and reported.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AtomicWriteOptions } from '../local-files/atomic-file.ts';
import { ensurePrivateDir, syncDir, TEMP_MARKER, writeFileAtomic } from '../local-files/atomic-file.ts';
import {
  newerSchemaReason,
  readTextIfExists,
  removeIfStaleTemp,
  setAsideFile,
  setAsideOriginal,
} from '../local-files/set-aside.ts';
import { migrateDraft } from './draft-migrations.ts';
import type { Draft } from './draft-schema.ts';
import {
  CURRENT_SCHEMA_VERSION,
  DRAFT_ID,
  DraftFormatError,
  parseDraft,
  storedDraft,
} from './draft-schema.ts';

export interface DraftProblem {
  /** The file as it was named when the problem was found. */
  file: string;
  /** Where it was moved (absent when it could not be moved, or was kept: see `newer`). */
  setAsideAs?: string;
  reason: string;
  /** Made by a newer Switchyard: kept in place, untouched. */
  newer?: true;
}

export interface DraftList {
  drafts: Draft[];
  problems: DraftProblem[];
}

export interface DraftStore {
  readonly dir: string;
  list(): Promise<DraftList>;
  /** The draft, undefined when there is none; a corrupt file is set aside and reported as an error. */
  get(id: string): Promise<Draft | undefined>;
  /** Validates, stamps `updatedAt` and writes atomically; returns what was written. */
  save(draft: Draft): Promise<Draft>;
  remove(id: string): Promise<void>;
}

export interface DraftStoreDependencies {
  dir: string;
  now?: () => Date;
  /** Options for every write (a test injects a failing disk). */
  writeOptions?: AtomicWriteOptions;
}

export class DraftNotFoundError extends Error {
  override name = 'DraftNotFoundError';
}

function checkId(id: string): void {
  if (!DRAFT_ID.test(id))
    throw new DraftFormatError(`draft id '${id}' is not valid: letters, digits, - and _ only`);
}

export function createDraftStore(deps: DraftStoreDependencies): DraftStore {
  const { dir } = deps;
  const now = deps.now ?? (() => new Date());
  const fileOf = (id: string) => join(dir, `${id}.json`);

  async function setAside(name: string, reason: string): Promise<DraftProblem> {
    const moved = await setAsideFile(dir, name, now());
    return moved.setAsideAs
      ? { file: name, setAsideAs: moved.setAsideAs, reason }
      : { file: name, reason: `${reason} (could not set it aside: ${moved.error})` };
  }

  async function load(name: string): Promise<{ draft: Draft } | { problem: DraftProblem } | undefined> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(join(dir, name));
    } catch (err) {
      // A folder, FIFO or device under a draft's name, or a file we may not read: set it aside.
      return { problem: await setAside(name, `${name}: cannot read: ${(err as Error).message}`) };
    }
    if (text === undefined) return undefined;
    let reason: string;
    try {
      const value: unknown = JSON.parse(text);
      const newer = newerVersionOf(value);
      if (newer !== undefined)
        return {
          problem: {
            file: name,
            reason: newerSchemaReason(name, newer, CURRENT_SCHEMA_VERSION),
            newer: true,
          },
        };
      const draft = parseDraft(migrateDraft(value), name);
      if (`${draft.id}.json` !== name) throw new DraftFormatError(`${name}: holds draft id '${draft.id}'`);
      return { draft };
    } catch (err) {
      reason =
        err instanceof SyntaxError ? `${name}: not valid JSON (${err.message})` : (err as Error).message;
    }
    return { problem: await setAside(name, reason) };
  }

  /** A draft a newer Switchyard wrote is never overwritten by this one. */
  async function refuseNewer(id: string): Promise<void> {
    let value: unknown;
    try {
      value = JSON.parse((await readTextIfExists(fileOf(id))) ?? 'null');
    } catch {
      return; // Unreadable: the save replaces it, as before (list() sets such files aside).
    }
    const newer = newerVersionOf(value);
    if (newer !== undefined)
      throw new DraftFormatError(newerSchemaReason(`${id}.json`, newer, CURRENT_SCHEMA_VERSION));
  }

  return {
    dir,
    async list() {
      await ensurePrivateDir(dir);
      const names = (await readdir(dir)).sort();
      const drafts: Draft[] = [];
      const problems: DraftProblem[] = [];
      for (const name of names) {
        if (name.includes(TEMP_MARKER)) {
          await removeIfStaleTemp(join(dir, name), now());
          continue;
        }
        const original = setAsideOriginal(name);
        if (original !== undefined) {
          problems.push({
            file: original,
            setAsideAs: name,
            reason: 'set aside earlier because it could not be read',
          });
          continue;
        }
        if (!name.endsWith('.json')) continue;
        const r = await load(name);
        if (!r) continue;
        if ('draft' in r) drafts.push(r.draft);
        else problems.push(r.problem);
      }
      drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      return { drafts, problems };
    },
    async get(id) {
      checkId(id);
      const r = await load(`${id}.json`);
      if (!r) return undefined;
      if ('problem' in r)
        throw new DraftFormatError(
          r.problem.newer ? r.problem.reason : `${r.problem.reason}; set aside as ${r.problem.setAsideAs}`,
        );
      return r.draft;
    },
    async save(draft) {
      const stamped = parseDraft(
        { ...draft, schemaVersion: CURRENT_SCHEMA_VERSION, updatedAt: now().toISOString() },
        `draft ${draft.id}`,
      );
      await ensurePrivateDir(dir);
      await refuseNewer(stamped.id);
      await writeFileAtomic(
        fileOf(stamped.id),
        `${JSON.stringify(storedDraft(stamped), null, 2)}\n`,
        deps.writeOptions,
      );
      return stamped;
    },
    async remove(id) {
      checkId(id);
      try {
        await rm(fileOf(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new DraftNotFoundError(`no draft '${id}'`);
        throw err;
      }
      await syncDir(dir);
    },
  };
}

/** The file's schemaVersion when it is newer than this app reads, else undefined. */
function newerVersionOf(value: unknown): number | undefined {
  const v = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v > CURRENT_SCHEMA_VERSION ? v : undefined;
}
