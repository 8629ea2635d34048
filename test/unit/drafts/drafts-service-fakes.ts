// A fake of what the drafts service needs from the console (draftBase, liveObjects, reviewPlan)
// over the commented reviews routing fixture, with every answer checked against the contract.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importYamlText, inNamespace } from '../../../main/core/drafts/draft-import.ts';
import { createDraftsService } from '../../../main/core/drafts/drafts-service.ts';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { draftHandlers } from '../../../main/core/handlers/drafts.ts';
import type { ExternalPlan } from '../../../main/core/services/console-services.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { JsonPatchOp, KubeObject } from '../../../shared/mesh/model/index.ts';
import { applyJsonPatch } from '../../../shared/mesh/model/index.ts';
import { checkedDraftCalls } from '../../helpers/drafts-contract.ts';
import { shares } from '../../helpers/shares.ts';
import { fixtureText, ROUTING_FILE } from './draft-fixtures.ts';

export const RELEASE = 'istio:shop/reviews.shop.svc.cluster.local';
/** The weight of the fixture's default route's n-th destination. */
export const W = (i: number) => `/spec/http/1/route/${i}/weight`;
const key = (o: { kind: string; namespace: string; name: string }) => `${o.kind}/${o.namespace}/${o.name}`;

/** A desired split of the fixture's reviews, keeping its testers rule. */
export const split = (v1: number, v2: number) => ({
  split: shares({ v1, v2 }),
  rules: [{ id: 'http:0', version: 'v2', enabled: true }],
});

export async function failure(p: Promise<unknown>): Promise<ApiFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiFailure)) throw new Error(`expected an ApiFailure, got ${String(err)}`);
  return err;
}

export interface FakeConsole {
  dir: string;
  /** The cluster's objects by `kind/namespace/name`. */
  live: Map<string, KubeObject>;
  offline: boolean;
  reviewed: ExternalPlan[];
  events: Array<{ event: string; payload: unknown }>;
  /** A drafts service over this fake (a second one over the same folder is a restart). */
  service(): DraftCalls;
  /** Someone else's edit of the live VirtualService (a new resourceVersion). */
  liveEdit(ops: JsonPatchOp[]): void;
  dispose(): Promise<void>;
}

export async function fakeConsole(): Promise<FakeConsole> {
  const objects = inNamespace(importYamlText(fixtureText(ROUTING_FILE), ROUTING_FILE).objects, 'shop');
  const f: FakeConsole = {
    dir: await mkdtemp(join(tmpdir(), 'sy-drafts-service-')),
    live: new Map(
      objects.map((o, i) => [
        key({ kind: o.kind, namespace: 'shop', name: o.metadata.name }),
        { ...o, metadata: { ...o.metadata, resourceVersion: String(100 + i) } },
      ]),
    ),
    offline: false,
    reviewed: [],
    events: [],
    service: () =>
      checkedDraftCalls(
        draftHandlers(
          createDraftsService({
            dataDir: f.dir,
            emit: (event, payload) => f.events.push({ event, payload }),
            now: () => new Date('2026-03-04T05:06:07Z'),
            async draftBase() {
              if (f.offline) throw new ApiFailure('unavailable', "context 'prod' is not-connected");
              return {
                origin: 'live',
                capturedAt: '2026-03-01T00:00:00.000Z',
                objects: [...f.live.values()],
              };
            },
            async liveObjects(_ctx, keys) {
              if (f.offline) throw new ApiFailure('unavailable', "context 'prod' is not-connected");
              return keys.map((k) => f.live.get(key(k)));
            },
            async reviewPlan(p) {
              f.reviewed.push(p);
              const { contextId, releaseId, summary } = p;
              return { planId: 'plan-1', contextId, releaseId, summary, steps: [], lint: [] };
            },
          }),
        ),
      ),
    liveEdit(ops) {
      const k = 'VirtualService/shop/reviews';
      const vs = f.live.get(k) as KubeObject;
      f.live.set(k, { ...applyJsonPatch(vs, ops), metadata: { ...vs.metadata, resourceVersion: '200' } });
    },
    dispose: () => rm(f.dir, { recursive: true, force: true }),
  };
  return f;
}
