import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDraft } from '../../../main/core/drafts/draft-migrations.ts';
import { parseDraft } from '../../../main/core/drafts/draft-schema.ts';
import { createDraftStore } from '../../../main/core/drafts/draft-store.ts';

const script = fileURLToPath(new URL('./save-loop-script.ts', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs the saving child, kills it with SIGKILL `delayMs` after it is ready; returns the last save it reported per draft. */
function runAndKill(dir: string, delayMs: number): Promise<{ reported: Map<string, number>; saves: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported = new Map<string, number>();
    let saves = 0;
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.stdout.on('data', (b: Buffer) => {
      buffered += b.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        const m = /^saved (\S+) (\d+)$/.exec(line);
        if (m) {
          reported.set(m[1] as string, Number(m[2]));
          saves++;
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ reported, saves });
      else reject(new Error(`the saving child exited on its own (${code}): ${stderr}`));
    });
  });
}

describe('drafts survive a crash in the middle of a save', () => {
  it('keeps every draft readable and at least at its last completed save after SIGKILL at random moments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-drafts-crash-'));
    dirs.push(dir);
    const lastReported = new Map<string, number>();
    let totalSaves = 0;
    for (let round = 0; round < 6; round++) {
      const { reported, saves } = await runAndKill(dir, 150 + Math.floor(Math.random() * 600));
      totalSaves += saves;
      for (const [id, n] of reported) lastReported.set(id, n);

      // Every file that carries a draft's name parses and validates on its own.
      const names = await readdir(dir);
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        const value: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
        expect(() => parseDraft(migrateDraft(value), name)).not.toThrow();
      }
      const { drafts, problems } = await createDraftStore({ dir }).list();
      expect(problems).toEqual([]);
      for (const [id, n] of lastReported) {
        const d = drafts.find((x) => x.id === id);
        const stored = Number(/^count=(\d+)/.exec(d?.notes ?? '')?.[1]);
        // The save the child reported is on disk; one more may have completed before the kill
        // landed but after its report went out.
        expect([n, n + 1], `draft ${id} after round ${round}`).toContain(stored);
      }
    }
    // The child did real work across the rounds, so the kills landed among saves.
    expect(totalSaves).toBeGreaterThan(10);
  });
});
