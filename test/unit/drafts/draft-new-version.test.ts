// A draft's new version: the base's Deployment cloned as the wizard clones it, the subset added by
// the routing core, the checks on the request, and the refusal to route to pods that do not exist.

import { describe, expect, it } from 'vitest';
import { migrateDraft } from '../../../main/core/drafts/draft-migrations.ts';
import {
  refuseTrafficToNewVersions,
  versionsCreatedByDraft,
  withNewVersion,
  withoutNewVersion,
} from '../../../main/core/drafts/draft-new-version.ts';
import { draftObjects, editDraft, releaseIn } from '../../../main/core/drafts/draft-objects.ts';
import type { Draft } from '../../../main/core/drafts/draft-schema.ts';
import { CURRENT_SCHEMA_VERSION, parseDraft } from '../../../main/core/drafts/draft-schema.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import { addContentRule, setSplit } from '../../../shared/mesh/plan/index.ts';
import { shares } from '../../helpers/shares.ts';
import { draftFromFixture } from './draft-fixtures.ts';
import { clusterDraft, NEW_IMAGE } from './new-version-fixtures.ts';

type DeploymentSpec = {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ image: string }> } };
};
const specOf = (o: KubeObject | undefined) => o?.spec as DeploymentSpec;

function refusal(fn: () => unknown): ApiFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiFailure) return err;
    throw err;
  }
  throw new Error('expected an ApiFailure');
}

const v3 = (d: Draft = clusterDraft(), extra: object = {}) =>
  withNewVersion(d, { version: 'v3', image: NEW_IMAGE, ...extra });

describe('a new version in a draft', () => {
  it('clones the Deployment of the version with the most traffic, as the wizard does', () => {
    const draft = v3();
    expect(draft.newVersion).toEqual({
      version: 'v3',
      fromVersion: 'v1',
      image: NEW_IMAGE,
      deployment: 'reviews-v3',
    });
    expect(draft.newObjects).toHaveLength(1);
    const d = draft.newObjects[0] as KubeObject;
    expect(d.metadata).toEqual({
      name: 'reviews-v3',
      namespace: 'shop',
      labels: { app: 'reviews', version: 'v3' },
    });
    expect(d.status).toBeUndefined();
    const spec = specOf(d);
    expect(spec.replicas).toBe(1);
    expect(spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v3' });
    expect(spec.template.metadata.labels).toEqual({ app: 'reviews', version: 'v3' });
    expect(spec.template.spec.containers[0]?.image).toBe(NEW_IMAGE);
    expect(draft.desired?.addedVersions).toEqual([{ name: 'v3', labels: { version: 'v3' } }]);
    expect(draft.desired?.split).toEqual(shares({ v1: 90, v2: 10 }));
  });

  it('lists the version in the draft’s release at 0% with its Deployment, the subset in the DestinationRule', () => {
    const objects = draftObjects(v3());
    const release = releaseIn(objects, 'shop', 'reviews');
    const version = release?.versions.find((v) => v.name === 'v3');
    expect(version).toMatchObject({ declared: true, subset: 'v3', deployments: ['reviews-v3'] });
    expect(release?.defaultRoute?.destinations.map((d) => [d.version, d.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    const dr = objects.find((o) => o.kind === 'DestinationRule') as KubeObject;
    expect((dr.spec as { subsets: Array<{ name: string }> }).subsets.map((s) => s.name)).toEqual([
      'v1',
      'v2',
      'v3',
    ]);
  });

  it('copies the version asked for, with the replicas asked for', () => {
    const draft = v3(clusterDraft(), { fromVersion: 'v2', replicas: 2 });
    expect(draft.newVersion?.fromVersion).toBe('v2');
    expect(specOf(draft.newObjects[0]).replicas).toBe(2);
    expect(versionsCreatedByDraft(draft)).toEqual(['v3']);
  });

  it('refuses a bad name or image, a version that exists, an unknown source and bad replicas', () => {
    const cases: Array<[object, RegExp]> = [
      [{ version: 'V3' }, /'V3' must be a DNS label/],
      [{ version: '' }, /needs a name/],
      [{ version: 'v3-' }, /DNS label/],
      [{ image: '  ' }, /image of new version 'v3' must not be empty/],
      [{ image: 'reviews: 3' }, /must not contain spaces/],
      [{ version: 'v2' }, /version 'v2' already exists in reviews \(versions: v1, v2\)/],
      [{ fromVersion: 'v9' }, /'v9' is not a version of reviews to copy \(versions: v1, v2\)/],
      [{ replicas: 0 }, /replicas of new version 'v3' must be a whole number from 1 to 100, got 0/],
    ];
    for (const [extra, message] of cases) {
      const err = refusal(() => v3(clusterDraft(), extra));
      expect(err.code).toBe('invalid-request');
      expect(err.message).toMatch(message);
    }
  });

  it('refuses a draft from YAML, whose base holds no Deployment to copy, naming what is missing', () => {
    const err = refusal(() => v3(draftFromFixture()));
    expect(err.code).toBe('invalid-request');
    expect(err.message).toContain("no Deployment of version 'v1' of reviews in shop");
    expect(err.message).toContain('reviews-routing.yaml');
  });

  it('replaces the new version it held, and keeps the rules routing to it when only the image changes', () => {
    const v4 = withNewVersion(v3(), { version: 'v4', image: 'registry.example/reviews:4.0.0' });
    expect(v4.newObjects.map((o) => o.metadata.name)).toEqual(['reviews-v4']);
    expect(v4.desired?.addedVersions.map((v) => v.name)).toEqual(['v4']);

    const routed = editDraft(v3(), (d) =>
      addContentRule(d, { matches: [{ uri: { prefix: '/x' } }], version: 'v3' }),
    );
    const again = v3(routed, { image: 'registry.example/reviews:3.0.1' });
    expect(again.desired?.rules.filter((r) => r.version === 'v3')).toHaveLength(1);
    expect(specOf(again.newObjects[0]).template.spec.containers[0]?.image).toBe(
      'registry.example/reviews:3.0.1',
    );
  });

  it('removes the new version with its Deployment and subset, refusing while it has a share', () => {
    const draft = v3();
    const removed = withoutNewVersion(draft);
    expect(removed.newVersion).toBeUndefined();
    expect(removed.newObjects).toEqual([]);
    expect(removed.desired?.addedVersions).toEqual([]);
    const weighted = editDraft(draft, (d) => setSplit(d, shares({ v1: 80, v2: 10, v3: 10 })));
    expect(() => withoutNewVersion(weighted)).toThrow(/'v3' still receives 10% of traffic/);
  });

  it('refuses traffic to the version it creates, by split or by rule, and allows it at 0%', () => {
    const draft = v3();
    expect(() => refuseTrafficToNewVersions(draft)).not.toThrow();
    const message =
      'v3 is created by this draft and has no ready pods yet: apply with v3 at 0%, then move traffic once its rollout is ready';
    const weighted = editDraft(draft, (d) => setSplit(d, shares({ v1: 80, v2: 10, v3: 10 })));
    expect(refusal(() => refuseTrafficToNewVersions(weighted))).toMatchObject({
      code: 'invalid-request',
      message,
    });
    const ruled = editDraft(draft, (d) =>
      addContentRule(d, { matches: [{ headers: { 'x-canary': { exact: '1' } } }], version: 'v3' }),
    );
    expect(refusal(() => refuseTrafficToNewVersions(ruled)).message).toBe(message);
  });

  it('stores the new version in schema 4, and opens a schema 3 file without one', () => {
    const stored = JSON.parse(JSON.stringify({ ...v3(), schemaVersion: CURRENT_SCHEMA_VERSION }));
    expect(CURRENT_SCHEMA_VERSION).toBe(4);
    expect(parseDraft(stored, 'test').newVersion?.deployment).toBe('reviews-v3');
    const { newVersion: _nv, ...older } = stored;
    const migrated = parseDraft(migrateDraft({ ...older, newObjects: [], schemaVersion: 3 }), 'v3 file');
    expect(migrated.schemaVersion).toBe(4);
    expect(migrated.newVersion).toBeUndefined();
  });
});
