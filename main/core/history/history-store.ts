// The local history: one JSON line per applied change in <dataDir>/history/<YYYY-MM-DD>.jsonl
// (0600 files in a 0700 folder). Each line is appended and fsync'd before the apply reports
// success. A crash can leave a torn last line; reading skips it and reports it (as it reports any
// line or file it cannot read), and the next append starts on a fresh line. When the append fails
// (a full or read-only disk) the entry is kept in memory for this session, so the change can still
// be undone, and the failure is thrown as a HistoryWriteError carrying the entry.

import { randomBytes } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AtomicWriteOptions } from '../local-files/atomic-file.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../local-files/atomic-file.ts';
import { MiB, readBoundedText } from '../local-files/bounded-read.ts';
import type { HistoryEntry, HistoryRecorder, NewHistoryEntry } from './history-types.ts';
import { HistoryWriteError } from './history-types.ts';

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
/** A day of changes is far smaller; a larger file is reported, not read into memory. */
const MAX_DAY_FILE_BYTES = 256 * MiB;

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

/**
 * The skipped lines a file reports one by one; past them, one line says how many more there are
 * (a file of garbage is hundreds of thousands of lines, which no panel or log should list).
 */
export const MAX_SKIPPED_LINES_PER_FILE = 100;

/** Parses one day file; a line that is not a whole entry is reported, never fatal. */
export function parseHistoryLines(
  file: string,
  text: string,
): { entries: HistoryEntry[]; skipped: SkippedLine[] } {
  const entries: HistoryEntry[] = [];
  const skipped: SkippedLine[] = [];
  let more = 0;
  const skip = (line: number, reason: string) => {
    if (skipped.length < MAX_SKIPPED_LINES_PER_FILE) skipped.push({ file, line, reason });
    else more++;
  };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const last = i === lines.length - 1;
    // Past the reported ones, a line that is no JSON object is only counted: a failed JSON.parse
    // costs ~20 µs, and a file of garbage is hundreds of thousands of lines (seconds of main).
    const mayBeEntry = line.charCodeAt(0) === 0x7b && line.charCodeAt(line.length - 1) === 0x7d;
    if (!mayBeEntry && skipped.length >= MAX_SKIPPED_LINES_PER_FILE) {
      more++;
      return;
    }
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEntry(parsed)) entries.push(parsed);
      else skip(i + 1, 'not a history entry (id, time, plan or steps missing)');
    } catch {
      skip(i + 1, last ? 'torn last line (the app stopped while writing it)' : 'not valid JSON');
    }
  });
  if (more > 0)
    skipped.push({
      file,
      line: 0,
      reason: `${more.toLocaleString('en-US')} more lines of this file could not be read either`,
    });
  return { entries, skipped };
}

export interface HistoryStoreOptions {
  dir: string;
  now?: () => Date;
  /** Only `writeData` is used: a test injects a failing append (a full disk). */
  writeOptions?: Pick<AtomicWriteOptions, 'writeData'>;
  /** Called with the lines and files a read could not take (main logs them). */
  onSkipped?: (skipped: SkippedLine[]) => void;
}

export function createHistoryStore(opts: HistoryStoreOptions): HistoryStore {
  const dir = opts.dir;
  const now = opts.now ?? (() => new Date());
  let queue: Promise<unknown> = Promise.resolve();
  /** Entries whose append failed: still shown and undoable until the app stops. */
  const unsaved = new Map<string, HistoryEntry>();
  const reported = new Set<string>();

  async function append(file: string, line: string): Promise<void> {
    await ensurePrivateDir(dir);
    const handle = await open(file, 'a+', PRIVATE_FILE_MODE);
    try {
      // A day file an older version wrote 0644 becomes owner-only on its next append.
      if (process.platform !== 'win32') await handle.chmod(PRIVATE_FILE_MODE);
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last.toString() !== '\n') prefix = '\n';
      }
      const text = `${prefix}${line}\n`;
      try {
        if (opts.writeOptions?.writeData) await opts.writeOptions.writeData(handle, text);
        else await handle.appendFile(text, 'utf8');
        await handle.sync();
      } catch (err) {
        // A half-written line (a full disk) is taken back, so the file holds whole entries only.
        await handle.truncate(size).catch(() => {});
        throw err;
      }
    } finally {
      await handle.close();
    }
  }

  async function readAll(): Promise<HistoryPage> {
    let files: string[] = [];
    const entries: HistoryEntry[] = [];
    const skipped: SkippedLine[] = [];
    try {
      files = (await readdir(dir)).filter((f) => DAY_FILE.test(f)).sort();
    } catch (err) {
      // No folder yet is an empty history; one that cannot be listed is reported, not fatal.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        skipped.push({
          file: '.',
          line: 0,
          reason: `cannot read the history folder: ${(err as Error).message}`,
        });
    }
    for (const f of files) {
      let text: string;
      try {
        text = await readBoundedText(join(dir, f), MAX_DAY_FILE_BYTES);
      } catch (err) {
        // One unreadable day (a folder or FIFO under its name, a huge file) hides no other day.
        skipped.push({ file: f, line: 0, reason: `cannot read the file: ${(err as Error).message}` });
        continue;
      }
      const r = parseHistoryLines(f, text);
      // One by one: spreading a day of many entries into push() overflows the call stack.
      for (const e of r.entries) entries.push(e);
      for (const s of r.skipped) skipped.push(s);
    }
    const ids = new Set(entries.map((e) => e.id));
    for (const e of unsaved.values()) if (!ids.has(e.id)) entries.push(e);
    const fresh = skipped.filter((s) => !reported.has(`${s.file}:${s.line}:${s.reason}`));
    for (const s of fresh) reported.add(`${s.file}:${s.line}:${s.reason}`);
    if (fresh.length > 0) opts.onSkipped?.(fresh);
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
      return next.then(
        () => full,
        (err: unknown) => {
          unsaved.set(full.id, full);
          throw new HistoryWriteError(full, err);
        },
      );
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
