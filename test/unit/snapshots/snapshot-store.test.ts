import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSnapshotKind, stripForSnapshot } from '../../../main/core/snapshots/snapshot-schema.ts';
import type { SnapshotProblem } from '../../../main/core/snapshots/snapshot-store.ts';
import { createSnapshotStore, snapshotFileName } from '../../../main/core/snapshots/snapshot-store.ts';
import { clusterObjects, LAST_APPLIED, tempDir } from './snapshot-fixtures.ts';

const HEADER = {
  contextId: 'kube:prod-eu',
  contextName: 'prod-eu',
  cluster: 'eu-1',
  capturedAt: '2026-03-01T10:00:00.000Z',
};

describe('the snapshot store', () => {
  it('writes one file per context and reads the same objects back, stripped, without pods', async () => {
    const dir = tempDir();
    const store = createSnapshotStore({ dir });
    const objects = clusterObjects();
    const stats = await store.save(HEADER, objects);
    expect(stats.file).toBe(join(dir, 'kube%3Aprod-eu.json'));
    const kept = objects.filter((o) => isSnapshotKind(o.kind));
    expect(new Set(objects.map((o) => o.kind))).toContain('Namespace');
    expect(stats.objects).toBe(kept.length);
    const loaded = await store.load('kube:prod-eu');
    if (!loaded || !('snapshot' in loaded)) throw new Error(`no snapshot: ${JSON.stringify(loaded)}`);
    expect(loaded.snapshot).toMatchObject({ schemaVersion: 1, ...HEADER });
    expect(loaded.snapshot.objects).toEqual(kept.map(stripForSnapshot));
    expect(new Set(loaded.snapshot.objects.map((o) => o.kind))).toEqual(
      // HTTPRoute: the demo seed's storefront and ledger routes.
      new Set(['Service', 'Deployment', 'DestinationRule', 'VirtualService', 'HTTPRoute']),
    );
    expect(await store.header('kube:prod-eu')).toEqual({ schemaVersion: 1, ...HEADER });
    expect(await store.times()).toEqual(new Map([['kube:prod-eu', HEADER.capturedAt]]));
    expect(await store.load('kube:other')).toBeUndefined();
  });

  it('reads the time of a snapshot another process wrote from its header', async () => {
    const dir = tempDir();
    await createSnapshotStore({ dir }).save(HEADER, clusterObjects());
    const fresh = createSnapshotStore({ dir });
    expect((await fresh.times()).get('kube:prod-eu')).toBe(HEADER.capturedAt);
  });

  it('replaces a snapshot atomically, leaving no temp file, and drops stale temp files of a crash', async () => {
    const dir = tempDir();
    const store = createSnapshotStore({ dir });
    await store.save(HEADER, clusterObjects());
    const crashed = join(dir, `${snapshotFileName('kube:prod-eu')}.tmp-1-dead`);
    writeFileSync(crashed, '{"half": ');
    const old = new Date(Date.now() - 60 * 60_000);
    utimesSync(crashed, old, old);
    const later = { ...HEADER, capturedAt: '2026-03-01T11:00:00.000Z' };
    await store.save(later, clusterObjects().slice(0, 5));
    const loaded = await store.load('kube:prod-eu');
    expect(loaded && 'snapshot' in loaded && loaded.snapshot.capturedAt).toBe(later.capturedAt);
    expect((await store.times()).get('kube:prod-eu')).toBe(later.capturedAt);
    expect(readdirSync(dir)).toEqual(['kube%3Aprod-eu.json']);
  });

  it('sets a corrupt file aside, reports it, and never lists it as a snapshot', async () => {
    const dir = tempDir();
    const seen: SnapshotProblem[] = [];
    const store = createSnapshotStore({ dir, onProblem: (p) => seen.push(p) });
    writeFileSync(join(dir, snapshotFileName('kube:prod-eu')), '{"schemaVersion":1,"contextId":"kube:pro');
    expect(await store.times()).toEqual(new Map());
    expect(seen).toHaveLength(1);
    expect(seen[0]?.reason).toMatch(/not valid JSON/);
    const aside = readdirSync(dir);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^kube%3Aprod-eu\.json\.corrupt-/);
    expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toContain('kube:pro');
    expect(await store.problems()).toEqual([
      { file: 'kube%3Aprod-eu.json', setAsideAs: aside[0], reason: seen[0]?.reason },
    ]);
    // A fresh process still reports the file set aside.
    expect((await createSnapshotStore({ dir }).problems())[0]?.setAsideAs).toBe(aside[0]);
  });

  it('sets aside a file that fails the schema or holds another context, on load', async () => {
    const dir = tempDir();
    const store = createSnapshotStore({ dir });
    const good = await store.save(HEADER, clusterObjects());
    const text = readFileSync(good.file, 'utf8');
    writeFileSync(join(dir, snapshotFileName('kube:staging')), text);
    const wrong = await store.load('kube:staging');
    expect(wrong && 'problem' in wrong && wrong.problem.reason).toMatch(
      /holds the snapshot of context 'kube:prod-eu'/,
    );
    writeFileSync(good.file, text.replace('"kind":"Service"', '"kind":"Secret"'));
    const bad = await store.load('kube:prod-eu');
    expect(bad && 'problem' in bad && bad.problem.reason).toMatch(/not a snapshot: objects\.\d+\.kind/);
    expect(bad && 'problem' in bad && bad.problem.setAsideAs).toMatch(/\.corrupt-/);
    expect(await store.load('kube:prod-eu')).toBeUndefined();
    expect(await store.problems()).toHaveLength(2);
  });

  it('names files safely: case kept apart, separators encoded, long ids cut with a hash', () => {
    expect(snapshotFileName('demo')).toBe('demo.json');
    expect(snapshotFileName('kube:Prod')).not.toBe(snapshotFileName('kube:prod'));
    expect(snapshotFileName('kube:Prod').toLowerCase()).not.toBe(snapshotFileName('kube:prod').toLowerCase());
    expect(snapshotFileName('kube:a/b\\c*?:"<>|')).toMatch(/^[a-z0-9._%A-F-]+\.json$/);
    expect(snapshotFileName('kube:..')).toBe('kube%3A...json');
    const long = `kube:${'arn:aws:eks:eu-west-1:123456789012:cluster/'.repeat(8)}`;
    const name = snapshotFileName(long);
    expect(name.length).toBeLessThan(200);
    expect(name).not.toBe(snapshotFileName(`${long}x`));
  });
});

describe('stripping an object for a snapshot', () => {
  it('drops managedFields and the last-applied annotation, keeps uid, resourceVersion and other annotations', () => {
    const [o] = clusterObjects();
    if (!o) throw new Error('no object');
    const stripped = stripForSnapshot(o);
    expect(stripped.metadata.managedFields).toBeUndefined();
    expect(stripped.metadata.annotations).toEqual({ team: 'books' });
    expect(stripped.metadata.uid).toBe(o.metadata.uid);
    expect(stripped.metadata.resourceVersion).toBe(o.metadata.resourceVersion);
    expect(stripped.spec).toBe(o.spec);
    // The cache's own object is left as it was.
    expect(o.metadata.managedFields).toHaveLength(1);
    expect(o.metadata.annotations?.[LAST_APPLIED]).toBeDefined();
  });

  it('removes annotations that only held the last-applied configuration', () => {
    const stripped = stripForSnapshot({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', annotations: { [LAST_APPLIED]: '{}' } },
    });
    expect(stripped.metadata).toEqual({ name: 's' });
  });
});

describe('the snapshot store: newer files, entries of the wrong kind, modes', () => {
  it('keeps a snapshot made by a newer Switchyard as it is, reports it, and does not replace it', async () => {
    const dir = tempDir();
    const seen: SnapshotProblem[] = [];
    const store = createSnapshotStore({ dir, onProblem: (p) => seen.push(p) });
    const name = snapshotFileName(HEADER.contextId);
    const newer = `{"schemaVersion":2,"contextId":"${HEADER.contextId}","future":true,"objects":[]}\n`;
    writeFileSync(join(dir, name), newer);
    const loaded = await store.load(HEADER.contextId);
    expect(loaded).toEqual({
      problem: {
        file: name,
        newer: true,
        reason: `${name}: made by a newer Switchyard (schema 2; this one reads up to 1): kept as it is, update Switchyard to use it`,
      },
    });
    expect(await store.times()).toEqual(new Map());
    expect(await store.problems()).toEqual([loaded && 'problem' in loaded ? loaded.problem : undefined]);
    await expect(store.save(HEADER, clusterObjects())).rejects.toThrow(/made by a newer Switchyard/);
    expect(readFileSync(join(dir, name), 'utf8')).toBe(newer);
    expect(readdirSync(dir)).toEqual([name]);
    // Told once, however often it is met.
    expect(seen).toEqual([{ file: name, newer: true, reason: expect.stringMatching(/made by a newer/) }]);
  });

  it('sets aside a folder or FIFO under a snapshot’s name instead of failing or hanging', async () => {
    const dir = tempDir();
    const store = createSnapshotStore({ dir });
    const name = snapshotFileName(HEADER.contextId);
    mkdirSync(join(dir, name));
    const loaded = await store.load(HEADER.contextId);
    expect(loaded && 'problem' in loaded && loaded.problem.setAsideAs).toMatch(/\.corrupt-/);
    if (process.platform !== 'win32') {
      const other = snapshotFileName('kube:other');
      execFileSync('mkfifo', [join(dir, other)]);
      expect(await store.times()).toEqual(new Map());
      expect(readdirSync(dir).filter((n) => n.startsWith(other))).toEqual([
        expect.stringMatching(/\.corrupt-/),
      ]);
    }
    await store.save(HEADER, clusterObjects());
    expect((await store.times()).get(HEADER.contextId)).toBe(HEADER.capturedAt);
  });

  it('writes snapshots 0600 in a 0700 folder', async () => {
    if (process.platform === 'win32') return;
    const dir = join(tempDir(), 'snapshots');
    const stats = await createSnapshotStore({ dir }).save(HEADER, clusterObjects());
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(stats.file).mode & 0o777).toBe(0o600);
  });
});
