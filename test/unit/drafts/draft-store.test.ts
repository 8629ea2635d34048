import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDraft } from '../../../main/core/drafts/draft-migrations.ts';
import { draftObjects, editDraft } from '../../../main/core/drafts/draft-objects.ts';
import { CURRENT_SCHEMA_VERSION } from '../../../main/core/drafts/draft-schema.ts';
import type { DraftStore } from '../../../main/core/drafts/draft-store.ts';
import { createDraftStore } from '../../../main/core/drafts/draft-store.ts';
import { setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import { diskFullAfter } from '../local-files/disk-full.ts';
import { draftFromFixture, fixtureText } from './draft-fixtures.ts';

let dir: string;
let store: DraftStore;
const now = new Date('2026-03-04T05:06:07.089Z');
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-drafts-'));
  store = createDraftStore({ dir, now: () => now });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function splitOfVs(objects: ReturnType<typeof draftObjects>) {
  const vs = objects.find((o) => o.kind === 'VirtualService') as unknown as {
    spec: {
      http: Array<{ name?: string; route: Array<{ destination: { subset: string }; weight?: number }> }>;
    };
  };
  const def = vs.spec.http.find((r) => r.name === 'default') ?? vs.spec.http.at(-1);
  return Object.fromEntries((def?.route ?? []).map((d) => [d.destination.subset, d.weight]));
}

describe('draft store', () => {
  it('saves a draft and reads it back equal, stamped with the save time', async () => {
    const draft = editDraft(draftFromFixture(), (d) => setSplit(d, shares({ v1: 70, v2: 30 })));
    const saved = await store.save(draft);
    expect(saved.updatedAt).toBe(now.toISOString());
    expect(await store.get(draft.id)).toEqual(saved);
    const { drafts, problems } = await store.list();
    expect(problems).toEqual([]);
    expect(drafts.map((d) => d.id)).toEqual([draft.id]);
    expect(splitOfVs(draftObjects(drafts[0]!))).toEqual({ v1: 70, v2: 30 });
  });

  it('leaves no temp file behind after a save', async () => {
    await store.save(draftFromFixture('a'));
    await store.save(draftFromFixture('a'));
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('sets a corrupted file aside as <name>.corrupt-<timestamp>, reports it, and keeps the good drafts', async () => {
    await store.save(draftFromFixture('good'));
    const garbage = '{"schemaVersion": 2, "id": "bad", "na';
    await writeFile(join(dir, 'bad.json'), garbage);
    const { drafts, problems } = await store.list();
    expect(drafts.map((d) => d.id)).toEqual(['good']);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe('bad.json');
    expect(problems[0]?.reason).toMatch(/bad\.json: not valid JSON/);
    expect(problems[0]?.setAsideAs).toBe('bad.json.corrupt-2026-03-04T05-06-07-089Z');
    // The bytes are kept for the operator, not dropped.
    expect(await readFile(join(dir, problems[0]!.setAsideAs!), 'utf8')).toBe(garbage);
    // Later listings still report it.
    const again = await store.list();
    expect(again.problems).toEqual([
      {
        file: 'bad.json',
        setAsideAs: problems[0]?.setAsideAs,
        reason: expect.stringMatching(/set aside earlier/),
      },
    ]);
  });

  it('sets aside a file that parses but breaks the schema, naming the field', async () => {
    const draft = { ...draftFromFixture('wrong'), namespace: 42 };
    await writeFile(join(dir, 'wrong.json'), JSON.stringify(draft));
    await expect(store.get('wrong')).rejects.toThrow(/field 'namespace'.*set aside as wrong\.json\.corrupt-/);
    expect((await readdir(dir)).some((n) => n.startsWith('wrong.json.corrupt-'))).toBe(true);
  });

  it('ignores the temp file of a save that crashed, and removes it once it is stale', async () => {
    await store.save(draftFromFixture('kept'));
    const temp = join(dir, 'kept.json.tmp-4242-deadbeef');
    await writeFile(temp, '{"half": ');
    const first = await store.list();
    expect(first).toMatchObject({ problems: [], drafts: [{ id: 'kept' }] });
    expect(await readdir(dir)).toContain('kept.json.tmp-4242-deadbeef');
    const old = new Date(now.getTime() - 60 * 60_000);
    await utimes(temp, old, old);
    await store.list();
    expect(await readdir(dir)).toEqual(['kept.json']);
  });

  it('refuses ids that could escape the drafts folder', async () => {
    await expect(store.get('../etc/passwd')).rejects.toThrow(/not valid/);
    await expect(store.save({ ...draftFromFixture(), id: '../x' })).rejects.toThrow(/field 'id'/);
  });

  it('removes a draft and says when there was none', async () => {
    await store.save(draftFromFixture('gone'));
    await store.remove('gone');
    expect(await store.get('gone')).toBeUndefined();
    await expect(store.remove('gone')).rejects.toThrow(/no draft 'gone'/);
  });
});

describe('the split in a draft file', () => {
  it('is `weight` in memory and stays `percent` on disk, so every app version reads the file', async () => {
    const draft = editDraft(draftFromFixture(), (d) => setSplit(d, shares({ v1: 70, v2: 30 })));
    const saved = await store.save(draft);
    expect(saved.desired?.split).toEqual(shares({ v1: 70, v2: 30 }));
    const onDisk = JSON.parse(await readFile(join(dir, `${saved.id}.json`), 'utf8')) as {
      desired: { split: unknown };
    };
    expect(onDisk.desired.split).toEqual([
      { version: 'v1', percent: 70 },
      { version: 'v2', percent: 30 },
    ]);
    expect((await store.get(saved.id))?.desired?.split).toEqual(saved.desired?.split);
  });
});

describe('draft migrations', () => {
  it('opens a schemaVersion 1 file as the current version, keeping its desired split', async () => {
    const v1 = JSON.parse(fixtureText('draft-v1.json')) as { created: number; updated: number };
    await writeFile(join(dir, 'reviews-canary.json'), JSON.stringify(v1));
    const draft = await store.get('reviews-canary');
    expect(draft?.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(draft?.createdAt).toBe(new Date(v1.created).toISOString());
    expect(draft?.updatedAt).toBe(new Date(v1.updated).toISOString());
    expect(draft?.base.source).toBe('yaml');
    expect(draft?.notes).toBe('');
    expect(draft?.newObjects).toEqual([]);
    expect(splitOfVs(draftObjects(draft!))).toEqual({ v1: 70, v2: 30 });
    // Saving writes the current version; the file is not migrated again on the next read.
    await store.save(draft!);
    const onDisk = JSON.parse(await readFile(join(dir, 'reviews-canary.json'), 'utf8')) as {
      schemaVersion: number;
    };
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('opens a schemaVersion 2 file (no snapshot bases, no applied mark) as the current version', async () => {
    const v2 = { ...draftFromFixture('reviews-v2'), schemaVersion: 2 } as Record<string, unknown>;
    delete v2.applied;
    await writeFile(join(dir, 'reviews-v2.json'), JSON.stringify(v2));
    const draft = await store.get('reviews-v2');
    expect(draft?.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(draft?.base.source).toBe('yaml');
    expect(draft?.applied).toBeUndefined();
    expect(splitOfVs(draftObjects(draft!))).toEqual(splitOfVs(draftObjects(draftFromFixture('reviews-v2'))));
  });

  it('refuses a file from a newer app and one without a schemaVersion', () => {
    expect(() => migrateDraft({ schemaVersion: CURRENT_SCHEMA_VERSION + 1 })).toThrow(/newer than this app/);
    expect(() => migrateDraft({ id: 'x' })).toThrow(/schemaVersion/);
  });
});

describe('draft store: entries it cannot read, newer drafts, modes and a full disk', () => {
  const unix = process.platform !== 'win32';

  it('sets aside a folder named x.json and a FIFO named y.json, and still lists every other draft', async () => {
    await store.save(draftFromFixture('good'));
    await mkdir(join(dir, 'x.json'));
    if (unix) execFileSync('mkfifo', [join(dir, 'y.json')]);
    const { drafts, problems } = await store.list();
    expect(drafts.map((d) => d.id)).toEqual(['good']);
    const expected = [
      {
        file: 'x.json',
        setAsideAs: 'x.json.corrupt-2026-03-04T05-06-07-089Z',
        reason: `x.json: cannot read: ${join(dir, 'x.json')} is a folder, not a regular file: refused (reading it could block or never end)`,
      },
    ];
    if (unix)
      expected.push({
        file: 'y.json',
        setAsideAs: 'y.json.corrupt-2026-03-04T05-06-07-089Z',
        reason: `y.json: cannot read: ${join(dir, 'y.json')} is a named pipe (FIFO), not a regular file: refused (reading it could block or never end)`,
      });
    expect(problems).toEqual(expected);
    expect((await store.list()).drafts.map((d) => d.id)).toEqual(['good']);
  });

  it('keeps a draft made by a newer Switchyard untouched, reports it, and never overwrites it', async () => {
    const newer = JSON.stringify({ ...draftFromFixture('later'), schemaVersion: CURRENT_SCHEMA_VERSION + 1 });
    await writeFile(join(dir, 'later.json'), newer);
    await store.save(draftFromFixture('good'));
    const { drafts, problems } = await store.list();
    expect(drafts.map((d) => d.id)).toEqual(['good']);
    expect(problems).toEqual([
      {
        file: 'later.json',
        newer: true,
        reason: `later.json: made by a newer Switchyard (schema ${CURRENT_SCHEMA_VERSION + 1}; this one reads up to ${CURRENT_SCHEMA_VERSION}): kept as it is, update Switchyard to use it`,
      },
    ]);
    await expect(store.get('later')).rejects.toThrow(/made by a newer Switchyard/);
    await expect(store.save(draftFromFixture('later'))).rejects.toThrow(/made by a newer Switchyard/);
    expect(await readFile(join(dir, 'later.json'), 'utf8')).toBe(newer);
    expect((await readdir(dir)).sort()).toEqual(['good.json', 'later.json']);
  });

  it('writes drafts 0600 in a 0700 folder', async () => {
    if (!unix) return;
    await store.save(draftFromFixture('a'));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
  });

  it('keeps the saved draft and leaves no temp file when the disk is full', async () => {
    const saved = await store.save(draftFromFixture('a'));
    const full = createDraftStore({ dir, now: () => now, writeOptions: { writeData: diskFullAfter(20) } });
    await expect(full.save(editDraft(saved, (d) => setSplit(d, shares({ v1: 10, v2: 90 }))))).rejects.toThrow(
      'ENOSPC',
    );
    expect(await readdir(dir)).toEqual(['a.json']);
    expect(await store.get('a')).toEqual(saved);
  });
});
