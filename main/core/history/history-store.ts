// The local history: one JSON line per applied change in <dataDir>/history/<YYYY-MM-DD>.jsonl.
// Each line is appended and fsync'd before the apply reports success. A crash can leave a torn
// last line; reading skips it (and says so), and the next append starts on a fresh line.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry, HistoryRecorder, NewHistoryEntry } from './history-types.ts';

export interface SkippedLine {
  file: string;
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface HistoryPage {
  /** Newest first. */
  entries: HistoryEntry[];
  skipped: SkippedLine[];
}

export interface HistoryQuery {
  releaseId?: string;
  context?: string;
  limit?: number;
}

export interface HistoryStore extends HistoryRecorder {
  readonly dir: string;
  read(query?: HistoryQuery): Promise<HistoryPage>;
  get(id: string): Promise<HistoryEntry | undefined>;
}

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

function isEntry(x: unknown): x is HistoryEntry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    typeof e.time === 'string' &&
    Array.isArray(e.steps) &&
    typeof e.plan === 'object'
  );
}

/** Parses one day file; a line that is not a whole entry is reported, never fatal. */
export function parseHistoryLines(
  file: string,
  text: string,
): { entries: HistoryEntry[]; skipped: SkippedLine[] } {
  const entries: HistoryEntry[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const last = i === lines.length - 1;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEntry(parsed)) entries.push(parsed);
      else
        skipped.push({ file, line: i + 1, reason: 'not a history entry (id, time, plan or steps missing)' });
    } catch {
      skipped.push({
        file,
        line: i + 1,
        reason: last ? 'torn last line (the app stopped while writing it)' : 'not valid JSON',
      });
    }
  });
  return { entries, skipped };
}

export function createHistoryStore(opts: { dir: string; now?: () => Date }): HistoryStore {
  const dir = opts.dir;
  const now = opts.now ?? (() => new Date());
  let queue: Promise<unknown> = Promise.resolve();

  async function append(file: string, line: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const handle = await open(file, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last.toString() !== '\n') prefix = '\n';
      }
      await handle.appendFile(`${prefix}${line}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async function readAll(): Promise<HistoryPage> {
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => DAY_FILE.test(f)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: [] };
      throw err;
    }
    const entries: HistoryEntry[] = [];
    const skipped: SkippedLine[] = [];
    for (const f of files) {
      const r = parseHistoryLines(f, await readFile(join(dir, f), 'utf8'));
      entries.push(...r.entries);
      skipped.push(...r.skipped);
    }
    entries.sort((a, b) => (a.time === b.time ? (a.id < b.id ? 1 : -1) : a.time < b.time ? 1 : -1));
    return { entries, skipped };
  }

  return {
    dir,
    record(entry: NewHistoryEntry): Promise<HistoryEntry> {
      const at = now();
      const time = at.toISOString();
      const full: HistoryEntry = {
        id: `${time.replace(/[-:.TZ]/g, '')}-${randomBytes(4).toString('hex')}`,
        time,
        ...entry,
      };
      const file = join(dir, `${time.slice(0, 10)}.jsonl`);
      const next = queue.then(() => append(file, JSON.stringify(full)));
      queue = next.catch(() => undefined);
      return next.then(() => full);
    },
    async read(query = {}) {
      await queue;
      const all = await readAll();
      let entries = all.entries;
      if (query.releaseId !== undefined) entries = entries.filter((e) => e.releaseId === query.releaseId);
      if (query.context !== undefined) entries = entries.filter((e) => e.context === query.context);
      if (query.limit !== undefined) entries = entries.slice(0, query.limit);
      return { entries, skipped: all.skipped };
    },
    async get(id) {
      await queue;
      return (await readAll()).entries.find((e) => e.id === id);
    },
  };
}
