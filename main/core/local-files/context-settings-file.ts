// A small JSON file of per-context settings in the data folder (`{version: 1, contexts: {…}}`),
// checked with a zod schema on load and written atomically (owner-only: it may hold credentials).
// Writes queue behind each other, and a failed write leaves memory as it is on disk.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.ts';
import { readTextIfExists } from './set-aside.ts';

export interface ContextSettingsFile<T> {
  get(contextId: string): Promise<T | undefined>;
  /** Stores the context's setting, or with undefined removes it. */
  set(contextId: string, value: T | undefined): Promise<void>;
}

/** `what` completes "fix or delete it to …" in the error for a file that is not JSON. */
export function createContextSettingsFile<T>(
  path: string,
  setting: z.ZodType<T>,
  what: string,
): ContextSettingsFile<T> {
  const fileSchema = z.object({ version: z.literal(1), contexts: z.record(z.string(), setting) });
  let loaded: Promise<Map<string, T>> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, T>> {
    const text = await readTextIfExists(path);
    if (text === undefined) return new Map();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${path} is not JSON: fix or delete it to ${what}`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected content'}`,
      );
    }
    return new Map(Object.entries(parsed.data.contexts) as Array<[string, T]>);
  }

  async function save(all: Map<string, T>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(
      path,
      `${JSON.stringify({ version: 1, contexts: Object.fromEntries(all) }, null, 2)}\n`,
    );
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
      return (await settings()).get(contextId);
    },
    async set(contextId, value) {
      const all = await settings();
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
  };
}
