import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistoryStore } from '../../../main/core/history/history-store.ts';
import type { HistoryEntry } from '../../../main/core/history/history-types.ts';

// A day file that is mostly garbage (another file saved under its name, a disk error): 300,000
// short lines are 600 KB, far below the size limit. Every one of them was kept as a skipped line
// and spread into the page's list (`push(...lines)`), which threw "Maximum call stack size
// exceeded": History showed nothing at all, and no entry of any day could be undone. Before that,
// a failed JSON.parse of each line held the main process for ~6 s on every read.

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function entryLine(id: string, time: string): string {
  const e: Partial<HistoryEntry> = {
    id,
    time,
    context: 'demo',
    user: 'u',
    kind: 'change',
    description: id,
    plan: { releaseId: 'istio:bookinfo/reviews', steps: [] } as unknown as HistoryEntry['plan'],
    steps: [],
  };
  return JSON.stringify(e);
}

describe('a history day file full of lines that are not entries', () => {
  it('still shows every other entry, and reports its skipped lines in a bounded list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-history-corrupt-'));
    dirs.push(dir);
    await writeFile(join(dir, '2025-03-01.jsonl'), `${entryLine('good-1', '2025-03-01T10:00:00.000Z')}\n`);
    await writeFile(join(dir, '2025-03-02.jsonl'), 'x\n'.repeat(300_000));
    const logged: number[] = [];
    const store = createHistoryStore({ dir, onSkipped: (s) => logged.push(s.length) });
    const started = performance.now();
    const page = await store.read();
    // Counting the lines past the reported ones costs no parse of each (~20 µs a failed one).
    expect(performance.now() - started).toBeLessThan(1500);
    expect(page.entries.map((e) => e.id)).toEqual(['good-1']);
    expect(page.skipped.length).toBeLessThanOrEqual(101);
    expect(page.skipped.slice(0, 2)).toEqual([
      { file: '2025-03-02.jsonl', line: 1, reason: 'not valid JSON' },
      { file: '2025-03-02.jsonl', line: 2, reason: 'not valid JSON' },
    ]);
    expect(page.skipped.at(-1)).toEqual({
      file: '2025-03-02.jsonl',
      line: 0,
      reason: '299,900 more lines of this file could not be read either',
    });
    expect(await store.get('good-1')).toMatchObject({ id: 'good-1' });
  });
});
