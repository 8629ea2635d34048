// The drafts service over a fake console: drafting from the cluster, editing, listing, deleting.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { shares } from '../../helpers/shares.ts';
import type { FakeConsole } from './drafts-service-fakes.ts';
import { failure, fakeConsole, RELEASE, split } from './drafts-service-fakes.ts';

let f: FakeConsole;
let drafts: DraftCalls;
beforeEach(async () => {
  f = await fakeConsole();
  drafts = f.service();
});
afterEach(() => f.dispose());

describe('drafting from the cluster', () => {
  it('starts a draft named for the service and the day, listed with its split in words', async () => {
    const view = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
    expect(view).toMatchObject({
      name: 'reviews — 2026-03-04',
      contextId: 'prod',
      namespace: 'shop',
      releaseId: RELEASE,
      baseSource: 'cache',
      baseCapturedAt: '2026-03-01T00:00:00.000Z',
      summary: 'v1 90%, v2 10%; 1 rule',
      changedObjects: 0,
      diff: [],
    });
    expect(view.id).toMatch(/^reviews-[0-9a-f]{8}$/);
    expect(view.release?.contextId).toBe(`draft:${view.id}`);
    expect(view.release?.releaseId).toBe(RELEASE);
    expect(f.events).toEqual([{ event: 'drafts.changed', payload: { ids: [view.id] } }]);
    const list = await drafts['drafts.list']({});
    expect(list.drafts.map((d) => d.id)).toEqual([view.id]);
  });

  it('saves a split, showing the release as the draft makes it and a diff without server fields', async () => {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE, name: 'canary' });
    const view = await drafts['drafts.update']({ id, desired: split(70, 30), notes: 'after lunch' });
    expect(view.summary).toBe('v1 70%, v2 30%; 1 rule');
    expect(view.notes).toBe('after lunch');
    expect(view.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 70],
      ['v2', 30],
    ]);
    expect(view.baseRelease?.versions.map((v) => v.weight)).toEqual([90, 10]);
    expect(view.diff).toHaveLength(1);
    expect(view.diff[0]).toMatchObject({ kind: 'VirtualService', name: 'reviews', action: 'change' });
    expect(view.diff[0]?.afterYaml).toContain('weight: 70');
    expect(view.diff[0]?.beforeYaml).toContain('weight: 90');
    expect(view.diff[0]?.afterYaml).not.toContain('resourceVersion');
    // A second instance over the same folder (a restart) reads the same draft.
    expect((await f.service()['drafts.get']({ id })).summary).toBe('v1 70%, v2 30%; 1 rule');
  });

  it('refuses bad weights, an unknown version and a broken regex, naming them and saving nothing', async () => {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
    const before = await readFile(join(f.dir, 'drafts', `${id}.json`), 'utf8');
    const weights = await failure(drafts['drafts.update']({ id, desired: split(70, 20) }));
    expect(weights.code).toBe('invalid-request');
    expect(weights.message).toMatch(/100/);
    const unknown = await failure(
      drafts['drafts.update']({ id, desired: { split: shares({ v9: 100 }), rules: [] } }),
    );
    expect(unknown).toMatchObject({ code: 'invalid-request' });
    expect(unknown.message).toMatch(/unknown version 'v9'/);
    const regex = await failure(
      drafts['drafts.update']({
        id,
        desired: {
          ...split(90, 10),
          rules: [
            {
              version: 'v2',
              enabled: true,
              conditions: [[{ kind: 'header', name: 'x', op: 'regex', value: '(' }]],
            },
          ],
        },
      }),
    );
    expect(regex.code).toBe('invalid-request');
    expect(regex.message).toMatch(/rule 1/);
    expect(await readFile(join(f.dir, 'drafts', `${id}.json`), 'utf8')).toBe(before);
  });

  it('edits a draft that added a rule again by the ids its view shows, keeping the added rule', async () => {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
    const beta = [[{ kind: 'header' as const, name: 'x-beta', op: 'exact' as const, value: '1' }]];
    const added = await drafts['drafts.update']({
      id,
      desired: {
        split: split(90, 10).split,
        rules: [
          { name: 'beta', version: 'v1', enabled: true, conditions: beta },
          { id: 'http:0', version: 'v2', enabled: true },
        ],
      },
    });
    const asShown = (
      view: typeof added,
      change: (r: { id: string; enabled: boolean }) => boolean = () => true,
    ) =>
      (view.release?.rules ?? []).map((r) => ({
        id: r.id,
        version: r.version,
        enabled: change(r),
        ...(r.name ? { name: r.name } : {}),
      }));
    expect(added.release?.rules.map((r) => [r.id, r.name, r.version])).toEqual([
      ['http:0', 'beta', 'v1'],
      ['http:1', 'testers', 'v2'],
    ]);
    const resaved = await drafts['drafts.update']({
      id,
      desired: { split: split(70, 30).split, rules: asShown(added) },
    });
    expect(resaved.summary).toBe('v1 70%, v2 30%; 2 rules');
    expect(resaved.release?.rules.map((r) => [r.name, r.matchYaml.includes('x-beta')])).toEqual([
      ['beta', true],
      ['testers', false],
    ]);
    const disabled = await drafts['drafts.update']({
      id,
      desired: { split: split(70, 30).split, rules: asShown(resaved, (r) => r.id !== 'http:1') },
    });
    expect(disabled.release?.rules.map((r) => [r.id, r.name, r.enabled])).toEqual([
      ['http:0', 'beta', true],
      ['disabled:0', 'testers', false],
    ]);
    const again = await drafts['drafts.update']({
      id,
      desired: { split: split(70, 30).split, rules: asShown(disabled, (r) => r.enabled) },
    });
    expect(again.release?.rules).toEqual(disabled.release?.rules);
    const stale = await failure(
      drafts['drafts.update']({
        id,
        desired: { ...split(70, 30), rules: [{ id: 'http:7', version: 'v1', enabled: true }] },
      }),
    );
    expect(stale.code).toBe('conflict');
  });

  it('renames, duplicates and deletes, announcing each; an unknown draft is not-found', async () => {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE, name: 'one' });
    expect((await drafts['drafts.update']({ id, name: 'first' })).name).toBe('first');
    const copy = await drafts['drafts.duplicate']({ id });
    expect(copy.name).toBe('first (copy)');
    expect(copy.id).not.toBe(id);
    expect(await drafts['drafts.delete']({ id })).toEqual({ deleted: true });
    expect((await drafts['drafts.list']({})).drafts.map((d) => d.id)).toEqual([copy.id]);
    expect(f.events.map((e) => (e.payload as { ids: string[] }).ids[0])).toEqual([id, id, copy.id, id]);
    expect((await failure(drafts['drafts.get']({ id }))).code).toBe('not-found');
    expect((await failure(drafts['drafts.delete']({ id }))).code).toBe('not-found');
    expect((await failure(drafts['drafts.get']({ id: '../etc' }))).code).toBe('invalid-request');
  });

  it('lists a draft saved before `applied` existed, and reports a corrupted file', async () => {
    const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
    await writeFile(join(f.dir, 'drafts', 'broken.json'), '{ nope');
    const list = await drafts['drafts.list']({});
    expect(list.drafts.map((d) => [d.id, d.applied])).toEqual([[id, undefined]]);
    expect(list.problems).toEqual([expect.objectContaining({ file: 'broken.json' })]);
  });
});
