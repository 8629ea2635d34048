// Child process for the crash test: saves three drafts round-robin as fast as it can, printing
// `saved <id> <count>` after each save resolves, until it is killed. It resumes counting from what
// is on disk, so every round continues the previous one.

import { createDraftStore } from '../../../main/core/drafts/draft-store.ts';
import { draftFromFixture } from '../../unit/drafts/draft-fixtures.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: save-loop-script.ts <drafts dir>');
const store = createDraftStore({ dir });
const ids = ['alpha', 'beta', 'gamma'];
// Large enough that a write spans several syscalls, so a kill can land in the middle of one.
const padding = 'x'.repeat(256 * 1024);

const counts = new Map<string, number>();
for (const d of (await store.list()).drafts) counts.set(d.id, Number(/^count=(\d+)/.exec(d.notes)?.[1] ?? 0));
process.stdout.write('ready\n');

for (let round = 0; ; round++) {
  const id = ids[round % ids.length] as string;
  const count = (counts.get(id) ?? 0) + 1;
  await store.save({ ...draftFromFixture(id), notes: `count=${count}\n${padding}` });
  counts.set(id, count);
  process.stdout.write(`saved ${id} ${count}\n`);
}
