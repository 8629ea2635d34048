// drafts.update's newVersion over a fake console whose cluster has the reviews workloads: saved and
// read back after a restart, edited with the split, refused while routed to, planned and exported.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineStep } from '../../../main/core/apply/apply-types.ts';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { shares } from '../../helpers/shares.ts';
import { fixtureText, ROUTING_FILE } from './draft-fixtures.ts';
import type { FakeConsole } from './drafts-service-fakes.ts';
import { failure, fakeConsole, RELEASE } from './drafts-service-fakes.ts';
import { NEW_IMAGE, reviewsDeployment, reviewsService } from './new-version-fixtures.ts';

const REFUSED =
  'v3 is created by this draft and has no ready pods yet: apply with v3 at 0%, then move traffic once its rollout is ready';
const testers = { id: 'http:0', version: 'v2', enabled: true };
const weights = (v1: number, v2: number, v3: number) => ({
  split: shares({ v1, v2, v3 }),
  rules: [testers],
});

let f: FakeConsole;
let drafts: DraftCalls;
beforeEach(async () => {
  f = await fakeConsole();
  for (const o of [
    reviewsService(),
    reviewsDeployment('v1', '1.0.0', 3),
    reviewsDeployment('v2', '2.0.0', 1),
  ])
    f.live.set(`${o.kind}/shop/${o.metadata.name}`, o);
  drafts = f.service();
});
afterEach(() => f.dispose());

async function withV3() {
  const { id } = await drafts['drafts.create']({ contextId: 'prod', releaseId: RELEASE });
  return drafts['drafts.update']({ id, newVersion: { version: 'v3', image: NEW_IMAGE } });
}

describe('a draft’s new version through drafts.update', () => {
  it('lists it at 0% with the Deployment to create, and still has it after a restart', async () => {
    const view = await withV3();
    expect(view.newVersion).toEqual({
      version: 'v3',
      image: NEW_IMAGE,
      fromVersion: 'v1',
      deployment: 'reviews-v3',
    });
    expect(view.summary).toBe('v1 90%, v2 10%; 1 rule; adds v3');
    expect(view.release?.versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
      ['v3', 0],
    ]);
    expect(view.diff.map((d) => [d.kind, d.name, d.action])).toEqual([
      ['DestinationRule', 'reviews', 'change'],
      ['Deployment', 'reviews-v3', 'create'],
    ]);
    const onDisk = JSON.parse(await readFile(join(f.dir, 'drafts', `${view.id}.json`), 'utf8'));
    expect(onDisk.schemaVersion).toBe(4);
    expect(onDisk.newVersion).toEqual({
      version: 'v3',
      fromVersion: 'v1',
      image: NEW_IMAGE,
      deployment: 'reviews-v3',
    });
    const restarted = f.service();
    expect((await restarted['drafts.get']({ id: view.id })).newVersion).toEqual(view.newVersion);
    expect((await restarted['drafts.list']({})).drafts[0]?.newVersion?.deployment).toBe('reviews-v3');
  });

  it('saves the split with the new version, and plans only while it has 0% and no rule', async () => {
    const { id } = await withV3();
    expect((await drafts['drafts.update']({ id, desired: weights(80, 20, 0) })).summary).toBe(
      'v1 80%, v2 20%; 1 rule; adds v3',
    );
    const routed = await drafts['drafts.update']({ id, desired: weights(80, 10, 10) });
    expect(routed.release?.versions.map((v) => v.weight)).toEqual([80, 10, 10]);
    expect(await failure(drafts['drafts.plan']({ id }))).toMatchObject({
      code: 'invalid-request',
      message: REFUSED,
    });
    const header = [[{ kind: 'header' as const, name: 'x-canary', op: 'exact' as const, value: '1' }]];
    const ruled = await drafts['drafts.update']({
      id,
      desired: {
        ...weights(90, 10, 0),
        rules: [{ version: 'v3', enabled: true, conditions: header }, testers],
      },
    });
    expect((await failure(drafts['drafts.plan']({ id }))).message).toBe(REFUSED);
    expect(f.reviewed).toEqual([]);

    // The testers rule by the id the view shows it with (second, after the new rule).
    const shownTesters = ruled.release?.rules.find((r) => r.version === 'v2');
    expect(shownTesters?.id).toBe('http:1');
    await drafts['drafts.update']({
      id,
      desired: { ...weights(90, 10, 0), rules: [{ id: 'http:1', version: 'v2', enabled: true }] },
    });
    await drafts['drafts.plan']({ id });
    const steps = f.reviewed[0]?.plan.steps as EngineStep[];
    expect(steps.map((s) => [s.action ?? 'patch', s.target.kind, s.target.name])).toEqual([
      ['create', 'Deployment', 'reviews-v3'],
      ['patch', 'DestinationRule', 'reviews'],
    ]);
    const created = steps[0] as Extract<EngineStep, { action: 'create' }>;
    expect(created.object.metadata).toEqual({
      name: 'reviews-v3',
      namespace: 'shop',
      labels: { app: 'reviews', version: 'v3' },
    });
    expect(steps[1]?.dependsOn).toEqual([steps[0]?.id]);
  });

  it('refuses a bad request naming the problem, saving nothing', async () => {
    const { id } = await withV3();
    const file = join(f.dir, 'drafts', `${id}.json`);
    const before = await readFile(file, 'utf8');
    const bad = await failure(
      drafts['drafts.update']({ id, newVersion: { version: 'v_4', image: NEW_IMAGE } }),
    );
    expect(bad).toMatchObject({ code: 'invalid-request' });
    expect(bad.message).toMatch(/'v_4' must be a DNS label/);
    const taken = await failure(drafts['drafts.update']({ id, newVersion: { version: 'v1', image: 'x:1' } }));
    expect(taken.message).toMatch(/version 'v1' already exists/);
    const empty = await failure(drafts['drafts.update']({ id, newVersion: { version: 'v4', image: '' } }));
    expect(empty.message).toMatch(/must not be empty/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a new version in a draft from YAML, whose base has no Deployment to copy', async () => {
    const imported = await drafts['drafts.import']({
      contextId: 'prod',
      namespace: 'shop',
      files: [{ name: ROUTING_FILE, text: fixtureText(ROUTING_FILE) }],
    });
    const err = await failure(
      drafts['drafts.update']({ id: imported.id, newVersion: { version: 'v3', image: NEW_IMAGE } }),
    );
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain("the draft's base holds no Deployment of version 'v1' of reviews");
  });

  it('removes it with null, refusing while it still has a share', async () => {
    const { id } = await withV3();
    await drafts['drafts.update']({ id, desired: weights(80, 10, 10) });
    const refused = await failure(drafts['drafts.update']({ id, newVersion: null }));
    expect(refused.message).toMatch(/'v3' still receives 10% of traffic/);
    const removed = await drafts['drafts.update']({ id, desired: weights(90, 10, 0), newVersion: null });
    expect(removed.newVersion).toBeUndefined();
    expect(removed.release?.versions.map((v) => v.name)).toEqual(['v1', 'v2']);
    expect(removed.diff).toEqual([]);
  });

  it('exports the Deployment with the routing, as kubectl YAML and as patches', async () => {
    const { id } = await withV3();
    const yaml = await drafts['drafts.export']({ id, format: 'kubectl-yaml' });
    expect(yaml.text).toContain('kind: Deployment');
    expect(yaml.text).toContain(`image: ${NEW_IMAGE}`);
    expect(yaml.text).toContain('name: v3');
    expect(yaml.text).not.toContain('uid:');
    const patches = JSON.parse((await drafts['drafts.export']({ id, format: 'json-patch' })).text);
    expect(
      patches.map((p: { target: { kind: string }; create?: unknown }) => [p.target.kind, 'create' in p]),
    ).toEqual([
      ['DestinationRule', false],
      ['Deployment', true],
    ]);
  });
});
