import { appendFile, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistoryStore, parseHistoryLines } from '../../../main/core/history/history-store.ts';
import type { NewHistoryEntry } from '../../../main/core/history/history-types.ts';
import { HistoryWriteError } from '../../../main/core/history/history-types.ts';
import { reviewsObjects } from '../apply/apply-memory-kube-api.ts';
import { diskFullAfter } from '../local-files/disk-full.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'switchyard-history-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function entry(description: string): NewHistoryEntry {
  const { vs } = reviewsObjects();
  const target = { apiVersion: vs.apiVersion, kind: vs.kind, namespace: 'bookinfo', name: 'reviews' };
  return {
    context: 'demo',
    user: 'demo-admin',
    kind: 'change',
    description,
    releaseId: 'istio:bookinfo/reviews',
    plan: { releaseId: 'istio:bookinfo/reviews', steps: [] },
    steps: [{ id: 'update-route', description, target, action: 'patch', before: vs, after: vs }],
  };
}

describe('history store', () => {
  it('records entries as JSON lines in a file per day and reads them back newest first', async () => {
    const dir = await tempDir();
    let t = Date.parse('2025-03-01T23:59:58.000Z');
    const store = createHistoryStore({
      dir,
      now: () => {
        t += 1000;
        return new Date(t);
      },
    });
    const a = await store.record(entry('first'));
    const b = await store.record(entry('second'));
    expect((await readdir(dir)).sort()).toEqual(['2025-03-01.jsonl', '2025-03-02.jsonl']);
    const page = await store.read();
    expect(page.entries.map((e) => e.description)).toEqual(['second', 'first']);
    expect(page.skipped).toEqual([]);
    expect(await store.get(a.id)).toEqual(a);
    expect(b.time).toBe('2025-03-02T00:00:00.000Z');
  });

  it('skips a torn last line, reports it, and starts the next entry on a fresh line', async () => {
    const dir = await tempDir();
    const store = createHistoryStore({ dir, now: () => new Date('2025-03-01T10:00:00Z') });
    await store.record(entry('kept'));
    await appendFile(join(dir, '2025-03-01.jsonl'), '{"id":"torn","time":"2025-03-01T10:00:0');
    const page = await store.read();
    expect(page.entries.map((e) => e.description)).toEqual(['kept']);
    expect(page.skipped).toEqual([
      { file: '2025-03-01.jsonl', line: 2, reason: 'torn last line (the app stopped while writing it)' },
    ]);
    await store.record(entry('after the crash'));
    const again = await store.read();
    expect(again.entries.map((e) => e.description).sort()).toEqual(['after the crash', 'kept']);
    expect(again.skipped).toHaveLength(1);
    expect((await readFile(join(dir, '2025-03-01.jsonl'), 'utf8')).endsWith('\n')).toBe(true);
  });

  it('keeps every entry when several are recorded at once', async () => {
    const store = createHistoryStore({ dir: await tempDir() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.record(entry(`change ${i}`))));
    const page = await store.read();
    expect(page.entries).toHaveLength(20);
    expect(page.skipped).toEqual([]);
  });

  it('filters by release and limits the page', async () => {
    const store = createHistoryStore({ dir: await tempDir() });
    await store.record(entry('a'));
    await store.record({ ...entry('b'), releaseId: 'other' });
    await store.record(entry('c'));
    expect((await store.read({ releaseId: 'other' })).entries.map((e) => e.description)).toEqual(['b']);
    expect((await store.read({ limit: 2 })).entries).toHaveLength(2);
  });

  it('reads an empty history from a folder that does not exist yet', async () => {
    const store = createHistoryStore({ dir: join(await tempDir(), 'missing') });
    expect(await store.read()).toEqual({ entries: [], skipped: [] });
  });

  it('reports a line in the middle that is not an entry, with its number', () => {
    const r = parseHistoryLines('x.jsonl', '{"a":1}\nnot json\n');
    expect(r.entries).toEqual([]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [1, 'not a history entry (id, time, plan or steps missing)'],
      [2, 'not valid JSON'],
    ]);
  });
});

describe('history store: modes, a full disk, unreadable files', () => {
  const unix = process.platform !== 'win32';

  it('writes day files 0600 in a 0700 folder, and narrows a day file an older version made 0644', async () => {
    if (!unix) return;
    const dir = join(await tempDir(), 'history');
    const store = createHistoryStore({ dir, now: () => new Date('2025-03-01T10:00:00Z') });
    await store.record(entry('first'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, '2025-03-01.jsonl'))).mode & 0o777).toBe(0o600);
    await chmod(join(dir, '2025-03-01.jsonl'), 0o644);
    await store.record(entry('second'));
    expect((await stat(join(dir, '2025-03-01.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('keeps an entry it could not write in memory, undoable this session, and leaves no half line', async () => {
    const dir = await tempDir();
    const now = () => new Date('2025-03-01T10:00:00Z');
    const kept = await createHistoryStore({ dir, now }).record(entry('on disk'));
    const store = createHistoryStore({ dir, now, writeOptions: { writeData: diskFullAfter(30) } });
    const err = await store.record(entry('disk full')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryWriteError);
    const unsaved = (err as HistoryWriteError).entry;
    expect((err as Error).message).toMatch(/ENOSPC/);
    expect(unsaved.description).toBe('disk full');
    expect((await store.read()).entries.map((e) => e.description).sort()).toEqual(['disk full', 'on disk']);
    expect(await store.get(unsaved.id)).toEqual(unsaved);
    const text = await readFile(join(dir, '2025-03-01.jsonl'), 'utf8');
    expect(text).toBe(`${JSON.stringify(kept)}\n`);
  });

  it('reports a day that is a folder and a corrupt line, shows every other entry, and tells the log once', async () => {
    const dir = await tempDir();
    const logged: string[] = [];
    const store = createHistoryStore({
      dir,
      now: () => new Date('2025-03-02T10:00:00Z'),
      onSkipped: (lines) => logged.push(...lines.map((l) => `${l.file}:${l.line}`)),
    });
    await store.record(entry('kept'));
    await mkdir(join(dir, '2025-03-01.jsonl'));
    await writeFile(join(dir, '2025-02-28.jsonl'), 'not json\n');
    const page = await store.read();
    expect(page.entries.map((e) => e.description)).toEqual(['kept']);
    expect(page.skipped).toEqual([
      { file: '2025-02-28.jsonl', line: 1, reason: 'not valid JSON' },
      {
        file: '2025-03-01.jsonl',
        line: 0,
        reason: `cannot read the file: ${join(dir, '2025-03-01.jsonl')} is a folder, not a regular file: refused (reading it could block or never end)`,
      },
    ]);
    await store.read();
    expect(logged).toEqual(['2025-02-28.jsonl:1', '2025-03-01.jsonl:0']);
  });
});
