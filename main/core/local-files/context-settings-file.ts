// A small JSON file of per-context settings in the data folder (`{version: 1, contexts: {…}}`),
// checked with a zod schema on load and written atomically (owner-only: it may hold credentials).
// Writes queue behind each other, and a failed write leaves memory as it is on disk.
//
// What cannot be read never blocks a context: a file that is not JSON (or not a file at all) is
// set aside and every context falls back to its default; a bad entry is dropped after the whole
// file was copied aside, so the other contexts keep theirs. A file written by a newer Switchyard is
// kept untouched (and cannot be changed by this one). Every such case is reported.

import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { describeZodIssues } from '../../../shared/api/errors.ts';
import type { AtomicWriteOptions } from './atomic-file.ts';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file.ts';
import { MiB } from './bounded-read.ts';
import { newerSchemaReason, readTextIfExists, setAsideFile, setAsideName } from './set-aside.ts';

const FILE_VERSION = 1;
const MAX_SETTINGS_BYTES = 4 * MiB;

export interface SettingsProblem {
  file: string;
  /** Where the unreadable file (or a copy of it, when only some entries were bad) was put. */
  setAsideAs?: string;
  reason: string;
  /** Made by a newer Switchyard: kept in place, untouched. */
  newer?: true;
}

export interface ContextSettingsFile<T> {
  get(contextId: string): Promise<T | undefined>;
  /** Stores the context's setting, or with undefined removes it. */
  set(contextId: string, value: T | undefined): Promise<void>;
  /** What could not be read at load (set aside or kept as newer), for the log and the page. */
  problems(): Promise<SettingsProblem[]>;
}

export interface ContextSettingsOptions {
  now?: () => Date;
  /** Called once per problem found at load (main logs it). */
  onProblem?: (problem: SettingsProblem) => void;
  /** Options for every write (a test injects a failing disk). */
  writeOptions?: AtomicWriteOptions;
}

interface Loaded<T> {
  all: Map<string, T>;
  problems: SettingsProblem[];
  /** Set when the file belongs to a newer app: writing would destroy what it holds. */
  readOnly?: string;
}

/** `what` says how the operator gets a lost setting back ("choose namespaces again"). */
export function createContextSettingsFile<T>(
  path: string,
  setting: z.ZodType<T>,
  what: string,
  options: ContextSettingsOptions = {},
): ContextSettingsFile<T> {
  const now = options.now ?? (() => new Date());
  const dir = dirname(path);
  const name = basename(path);
  const fileShape = z.object({
    version: z.literal(FILE_VERSION),
    contexts: z.record(z.string(), z.unknown()),
  });
  let loaded: Promise<Loaded<T>> | undefined;
  let writing: Promise<void> = Promise.resolve();

  function report(problems: SettingsProblem[], problem: SettingsProblem): void {
    problems.push(problem);
    options.onProblem?.(problem);
  }

  async function setAsideWhole(reason: string): Promise<Loaded<T>> {
    const moved = await setAsideFile(dir, name, now());
    const problems: SettingsProblem[] = [];
    report(
      problems,
      moved.setAsideAs
        ? { file: path, setAsideAs: moved.setAsideAs, reason: `${reason}: set aside; ${what}` }
        : { file: path, reason: `${reason} (could not set it aside: ${moved.error}); ${what}` },
    );
    return { all: new Map(), problems };
  }

  async function load(): Promise<Loaded<T>> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(path, MAX_SETTINGS_BYTES);
    } catch (err) {
      return setAsideWhole(`${path}: cannot read: ${(err as Error).message}`);
    }
    if (text === undefined) return { all: new Map(), problems: [] };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      // V8 quotes the text around a bad token: keep only the position (the file may hold a token).
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      return setAsideWhole(`${path}: not valid JSON${at ? ` (at character ${at})` : ''}`);
    }
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version > FILE_VERSION) {
      const problems: SettingsProblem[] = [];
      const reason = newerSchemaReason(path, version, FILE_VERSION);
      report(problems, { file: path, reason, newer: true });
      return { all: new Map(), problems, readOnly: reason };
    }
    const shape = fileShape.safeParse(json);
    if (!shape.success) return setAsideWhole(`${path}: ${describeZodIssues(shape.error)}`);
    const all = new Map<string, T>();
    const bad: string[] = [];
    for (const [contextId, value] of Object.entries(shape.data.contexts)) {
      const parsed = setting.safeParse(value);
      if (parsed.success) all.set(contextId, parsed.data);
      else bad.push(`context '${contextId}': ${describeZodIssues(parsed.error)}`);
    }
    if (bad.length === 0) return { all, problems: [] };
    // Keep the whole file as it was, then rewrite it without the bad entries.
    const problems: SettingsProblem[] = [];
    const copy = setAsideName(name, now());
    try {
      await writeFileAtomic(join(dir, copy), text, options.writeOptions);
      await writeFileAtomic(path, serialize(all), options.writeOptions);
      report(problems, {
        file: path,
        setAsideAs: copy,
        reason: `${path}: ${bad.join('; ')}: the file was copied aside and ${bad.length === 1 ? 'that entry falls' : 'those entries fall'} back to the default; ${what}`,
      });
    } catch (err) {
      report(problems, {
        file: path,
        reason: `${path}: ${bad.join('; ')} (could not set it aside: ${(err as Error).message}); ${what}`,
      });
    }
    return { all, problems };
  }

  async function save(all: Map<string, T>): Promise<void> {
    await ensurePrivateDir(dir, false);
    await writeFileAtomic(path, serialize(all), options.writeOptions);
  }

  const settings = () => {
    loaded ??= load().catch((err) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  };

  return {
    async get(contextId) {
      return (await settings()).all.get(contextId);
    },
    async set(contextId, value) {
      const state = await settings();
      if (state.readOnly) throw new Error(state.readOnly);
      const { all } = state;
      const before = all.get(contextId);
      if (value === undefined) all.delete(contextId);
      else all.set(contextId, value);
      writing = writing.catch(() => {}).then(() => save(all));
      try {
        await writing;
      } catch (err) {
        if (before === undefined) all.delete(contextId);
        else all.set(contextId, before);
        throw err;
      }
    },
    async problems() {
      return [...(await settings()).problems];
    },
  };
}

function serialize<T>(all: Map<string, T>): string {
  return `${JSON.stringify({ version: FILE_VERSION, contexts: Object.fromEntries(all) }, null, 2)}\n`;
}
