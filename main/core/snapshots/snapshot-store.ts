// Offline snapshots on disk: one `<safe id>.json` per context in the data folder's `snapshots/`,
// replaced atomically. The header (id, names, time) comes first in the file so the context list can
// read a snapshot's time without parsing its objects. A file that does not parse or validate is
// renamed to `<file>.corrupt-<timestamp>` and reported, never silently dropped or overwritten; so
// is an entry that is not a regular file. A snapshot written by a newer Switchyard is kept as it is
// (neither set aside nor replaced) and reported.

import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { AtomicWriteOptions } from '../local-files/atomic-file.ts';
import { ensurePrivateDir, TEMP_MARKER, writeFileAtomic } from '../local-files/atomic-file.ts';
import { MiB, READ_NONBLOCK } from '../local-files/bounded-read.ts';
import {
  newerSchemaReason,
  readTextIfExists,
  removeIfStaleTemp,
  setAsideFile,
  setAsideOriginal,
} from '../local-files/set-aside.ts';
import { parseSnapshotText } from './snapshot-parse.ts';
import type { Snapshot, SnapshotHeader } from './snapshot-schema.ts';
import { SNAPSHOT_SCHEMA_VERSION, snapshotHeaderSchema } from './snapshot-schema.ts';
import { serializeSnapshot } from './snapshot-serialize.ts';

export interface SnapshotProblem {
  /** The file as it was named when the problem was found. */
  file: string;
  /** Where it was moved (absent when it could not be moved, or was kept: see `newer`). */
  setAsideAs?: string;
  reason: string;
  /** Made by a newer Switchyard: kept in place, untouched. */
  newer?: true;
}

export type SnapshotLoad = { snapshot: Snapshot } | { problem: SnapshotProblem } | undefined;

export interface SnapshotSaveStats {
  file: string;
  bytes: number;
  objects: number;
  /** Time spent stripping and serializing, and the longest stretch without yielding to the loop. */
  serializeMs: number;
  longestBlockMs: number;
  writeMs: number;
}

export interface SnapshotStore {
  readonly dir: string;
  fileOf(contextId: string): string;
  /** Keeps the snapshot kinds of `objects`, stripped, and replaces the context's file atomically. */
  save(
    header: Omit<SnapshotHeader, 'schemaVersion'>,
    objects: Iterable<KubeObject>,
  ): Promise<SnapshotSaveStats>;
  /** The context's snapshot, undefined when there is none, or the problem that set its file aside. */
  load(contextId: string): Promise<SnapshotLoad>;
  /** The header of a context's snapshot (its file's start only), undefined when there is none. */
  header(contextId: string): Promise<SnapshotHeader | undefined>;
  /** When each context's snapshot was taken (context id → ISO time); reads headers only. */
  times(): Promise<Map<string, string>>;
  /** Files set aside because they could not be read (until the operator removes them). */
  problems(): Promise<SnapshotProblem[]>;
}

export interface SnapshotStoreDependencies {
  /** Usually `<dataDir>/snapshots`. */
  dir: string;
  now?: () => Date;
  /** Called for every file set aside or kept as newer (main logs it). */
  onProblem?: (problem: SnapshotProblem) => void;
  /** Options for every write (a test injects a failing disk). */
  writeOptions?: AtomicWriteOptions;
}

/** A snapshot of a very large cluster is big, but not this big (and a string cannot be much larger). */
const MAX_SNAPSHOT_BYTES = 384 * MiB;

const PEEK_BYTES = 16 * 1024;
const OBJECTS_KEY = ',"objects":[';

/**
 * A file name for a context id that is the same on every file system: letters a-z, digits, `.`,
 * `_` and `-` stay, everything else (upper case too, for case-insensitive disks) becomes `%XX`.
 * Very long ids are cut and end in a hash, so the name stays under every length limit.
 */
export function snapshotFileName(contextId: string): string {
  let safe = '';
  for (const byte of Buffer.from(contextId, 'utf8')) {
    const c = String.fromCharCode(byte);
    safe += /[a-z0-9._-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (safe.length > 180) {
    const hash = createHash('sha256').update(contextId).digest('hex').slice(0, 16);
    safe = `${safe.slice(0, 160)}~${hash}`;
  }
  return `${safe}.json`;
}

/** The schemaVersion at the start of the file when it is newer than this store reads. */
async function peekNewer(dir: string, name: string): Promise<number | undefined> {
  const fh = await open(join(dir, name), READ_NONBLOCK).catch(() => undefined);
  if (!fh) return undefined;
  try {
    if (!(await fh.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, 0);
    const m = /^\{\s*"schemaVersion"\s*:\s*(\d+)/.exec(buffer.subarray(0, bytesRead).toString('utf8'));
    const v = m ? Number(m[1]) : undefined;
    return v !== undefined && v > SNAPSHOT_SCHEMA_VERSION ? v : undefined;
  } finally {
    await fh.close();
  }
}

/** The header at the start of the file, or undefined when it is not there as this store writes it. */
async function peek(dir: string, name: string): Promise<SnapshotHeader | undefined> {
  const fh = await open(join(dir, name), READ_NONBLOCK);
  try {
    if (!(await fh.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buffer, 0, PEEK_BYTES, 0);
    const start = buffer.subarray(0, bytesRead).toString('utf8');
    const end = start.indexOf(OBJECTS_KEY);
    if (end < 0) return undefined;
    const parsed = snapshotHeaderSchema.safeParse(JSON.parse(`${start.slice(0, end)}}`));
    return parsed.success && snapshotFileName(parsed.data.contextId) === name ? parsed.data : undefined;
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

export function createSnapshotStore(deps: SnapshotStoreDependencies): SnapshotStore {
  const { dir } = deps;
  const now = deps.now ?? (() => new Date());
  const headers = new Map<string, { mtimeMs: number; size: number; header: SnapshotHeader }>();
  const reasons = new Map<string, string>();

  async function setAside(name: string, reason: string): Promise<SnapshotProblem> {
    headers.delete(name);
    const moved = await setAsideFile(dir, name, now());
    if (moved.setAsideAs) reasons.set(moved.setAsideAs, reason);
    const problem: SnapshotProblem = moved.setAsideAs
      ? { file: name, setAsideAs: moved.setAsideAs, reason }
      : { file: name, reason: `${reason} (could not set it aside: ${moved.error})` };
    deps.onProblem?.(problem);
    return problem;
  }

  /** Newer files already told to onProblem: every capture would otherwise log the same line. */
  const toldNewer = new Set<string>();
  function newer(name: string, found: unknown): SnapshotLoad {
    const problem: SnapshotProblem = {
      file: name,
      reason: newerSchemaReason(name, found, SNAPSHOT_SCHEMA_VERSION),
      newer: true,
    };
    if (!toldNewer.has(problem.reason)) deps.onProblem?.(problem);
    toldNewer.add(problem.reason);
    return { problem };
  }

  async function loadFile(name: string, contextId?: string): Promise<SnapshotLoad> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(join(dir, name), MAX_SNAPSHOT_BYTES);
    } catch (err) {
      return { problem: await setAside(name, `${name}: cannot read: ${(err as Error).message}`) };
    }
    if (text === undefined) return undefined;
    let reason: string;
    try {
      // Parsed and checked object by object, in slices: a big snapshot is tens of MB.
      const parsed = await parseSnapshotText(text);
      if ('newer' in parsed) return newer(name, parsed.newer);
      if ('invalid' in parsed) throw new Error(`not a snapshot: ${parsed.invalid}`);
      const { snapshot } = parsed;
      if (snapshotFileName(snapshot.contextId) !== name || (contextId && snapshot.contextId !== contextId))
        throw new Error(`holds the snapshot of context '${snapshot.contextId}'`);
      return { snapshot };
    } catch (err) {
      reason = `${name}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message}`;
    }
    return { problem: await setAside(name, reason) };
  }

  async function headerOf(name: string): Promise<SnapshotHeader | undefined> {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s) return undefined;
    const known = headers.get(name);
    if (known && known.mtimeMs === s.mtimeMs && known.size === s.size) return known.header;
    // A header this store did not write is checked whole: a bad file is set aside now, not later.
    const header =
      (await peek(dir, name)) ??
      (await loadFile(name).then((r) => (r && 'snapshot' in r ? r.snapshot : undefined)));
    if (header) headers.set(name, { mtimeMs: s.mtimeMs, size: s.size, header: pickHeader(header) });
    return header;
  }

  async function names(): Promise<string[]> {
    await ensurePrivateDir(dir);
    return (await readdir(dir)).sort();
  }

  return {
    dir,
    fileOf: (contextId) => join(dir, snapshotFileName(contextId)),
    async save(header, objects) {
      const full: SnapshotHeader = { schemaVersion: 1, ...header };
      const checked = snapshotHeaderSchema.parse(full);
      const serialized = await serializeSnapshot(checked, objects);
      const name = snapshotFileName(checked.contextId);
      await ensurePrivateDir(dir);
      // A newer Switchyard's snapshot is kept: this one cannot write what that one would read.
      const found = await peekNewer(dir, name);
      if (found !== undefined) {
        newer(name, found);
        throw new Error(newerSchemaReason(name, found, SNAPSHOT_SCHEMA_VERSION));
      }
      const started = performance.now();
      await writeFileAtomic(join(dir, name), serialized.text, deps.writeOptions);
      const writeMs = performance.now() - started;
      const s = await stat(join(dir, name)).catch(() => undefined);
      if (s) headers.set(name, { mtimeMs: s.mtimeMs, size: s.size, header: checked });
      return {
        file: join(dir, name),
        bytes: Buffer.byteLength(serialized.text),
        objects: serialized.objects,
        serializeMs: serialized.serializeMs,
        longestBlockMs: serialized.longestBlockMs,
        writeMs,
      };
    },
    async load(contextId) {
      await ensurePrivateDir(dir);
      return loadFile(snapshotFileName(contextId), contextId);
    },
    async header(contextId) {
      await ensurePrivateDir(dir);
      return headerOf(snapshotFileName(contextId));
    },
    async times() {
      const out = new Map<string, string>();
      for (const name of await names()) {
        if (name.includes(TEMP_MARKER)) {
          await removeIfStaleTemp(join(dir, name), now());
          continue;
        }
        if (setAsideOriginal(name) !== undefined || !name.endsWith('.json')) continue;
        const header = await headerOf(name);
        if (header) out.set(header.contextId, header.capturedAt);
      }
      return out;
    },
    async problems() {
      const all = await names();
      const aside: SnapshotProblem[] = all
        .filter((name) => setAsideOriginal(name) !== undefined)
        .map((name) => ({
          file: setAsideOriginal(name) ?? name,
          setAsideAs: name,
          reason: reasons.get(name) ?? 'set aside earlier because it could not be read',
        }));
      const newer: SnapshotProblem[] = [];
      for (const name of all) {
        if (!name.endsWith('.json') || setAsideOriginal(name) !== undefined) continue;
        const found = await peekNewer(dir, name);
        if (found !== undefined)
          newer.push({
            file: name,
            newer: true,
            reason: newerSchemaReason(name, found, SNAPSHOT_SCHEMA_VERSION),
          });
      }
      return [...aside, ...newer];
    },
  };
}

function pickHeader(h: SnapshotHeader): SnapshotHeader {
  return {
    schemaVersion: h.schemaVersion,
    contextId: h.contextId,
    contextName: h.contextName,
    cluster: h.cluster,
    capturedAt: h.capturedAt,
    ...(h.referenceGrants ? { referenceGrants: h.referenceGrants } : {}),
  };
}

/** The file's schemaVersion when it is newer than this store reads, else undefined. */
