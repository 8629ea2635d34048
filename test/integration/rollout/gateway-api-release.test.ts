// Issue 15's done-when on the demo mesh: a new version released on a Gateway API HTTPRoute (the
// `search` service in `storefront`): Deployment + Service created, backendRef at 0 once ready, 10%,
// a header rule, cut-over, finalize, the old Service deleted on request; undo at each step puts
// the route back exactly and redoing it (undoing the undo) puts the step back. An aborted release
// leaves the route exactly as it was and deletes its Service and Deployment.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watcherFromWatchCache } from '../../../main/core/apply/watch-cache-adapter.ts';
import { undoChange } from '../../../main/core/history/history-undo.ts';
import type { ReleaseEvent } from '../../../main/core/rollout/rollout-state.ts';
import { createReleaseStateStore } from '../../../main/core/rollout/rollout-state-store.ts';
import { createRolloutWorkflow } from '../../../main/core/rollout/rollout-workflow.ts';
import { readGatewayApiReleases } from '../../../shared/mesh/read/index.ts';
import type { Harness } from '../apply/demo-harness.ts';
import { startHarness } from '../apply/demo-harness.ts';
import { ensureStorefrontSearch, searchFailures } from './gateway-fixture.ts';

const NS = 'storefront';
const RELEASE = 'gateway-api:storefront/search';
const route = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  namespace: NS,
  name: 'search',
};
const target = (kind: string, name: string) => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
  kind,
  namespace: NS,
  name,
});
const IMAGE = 'registry.example.com/storefront/search:2.1.0';

let h: Harness;
const events: ReleaseEvent[] = [];
const who = { context: 'demo-admin', user: 'demo-admin' };

function workflow() {
  return createRolloutWorkflow({
    api: h.api,
    engine: h.engine,
    store: createReleaseStateStore(join(h.dataDir, 'releases')),
    watcher: watcherFromWatchCache(h.cache),
    context: 'demo-admin',
    user: 'demo-admin',
    rolloutTimeoutMs: 20_000,
    onEvent: (e) => events.push(e),
  });
}

const spec = async () => (await h.api.get(route)).spec as Record<string, unknown>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function exists(kind: string, name: string): Promise<boolean> {
  return h.api.get(target(kind, name)).then(
    () => true,
    (err: { status?: number }) => (err.status === 404 ? false : Promise.reject(err)),
  );
}
/** The split as the console reads it: percent per backend Service of the catch-all rule. */
async function split(): Promise<Record<string, number>> {
  const r = readGatewayApiReleases([await h.api.get(route)])[0]!;
  return Object.fromEntries((r.defaultRoute?.destinations ?? []).map((d) => [d.version, d.weight]));
}

/** Undo a History entry: the route is back exactly as before it; undo the undo: the step is back. */
async function undoRedo(historyId: string, before: unknown, after: unknown): Promise<void> {
  const deps = { api: h.api, engine: h.engine, history: h.history };
  const undone = await undoChange(deps, historyId, who);
  expect(undone.ok, JSON.stringify(undone)).toBe(true);
  expect(await spec()).toEqual(before);
  const redone = await undoChange(deps, (undone as { historyId: string }).historyId, who);
  expect(redone.ok, JSON.stringify(redone)).toBe(true);
  expect(await spec()).toEqual(after);
}

beforeAll(async () => {
  h = await startHarness({
    demo: { requestsPerSecond: 40, podReadyDelayMs: 300 },
    pauseMs: 300,
    namespaces: [NS],
  });
  await ensureStorefrontSearch(h.api);
  await sleep(1000);
});
afterAll(async () => {
  await h?.stop();
});

describe('a new version released on a Gateway API HTTPRoute (demo mesh)', () => {
  it('creates v2 (Deployment, Service, endpoints, backendRef at 0), 10%, a header rule, cut-over, finalize: zero failed requests, undo at each step', async () => {
    const wf = workflow();
    const failuresBefore = await searchFailures(h.demo);
    const original = await spec();

    const t0 = performance.now();
    const started = await wf.start({
      serviceReleaseId: RELEASE,
      namespace: NS,
      stableVersion: 'search-v1',
      version: 'v2',
      image: IMAGE,
      replicas: 2,
    });
    const readyMs = performance.now() - t0;
    console.info(`gateway-api release: "create version" to "at 0%, ready" took ${Math.round(readyMs)} ms`);
    expect(started.phase).toBe('ready');
    expect(started.canary).toMatchObject({ version: 'search-v2', deployment: 'search-v2' });

    const svc = await h.api.get(target('Service', 'search-v2'));
    const stableSvc = await h.api.get(target('Service', 'search-v1'));
    expect((svc.spec as { selector: unknown }).selector).toEqual({
      ...((stableSvc.spec as { selector: Record<string, string> }).selector ?? {}),
      version: 'v2',
    });
    expect((svc.spec as { ports: unknown }).ports).toEqual((stableSvc.spec as { ports: unknown }).ports);
    expect(svc.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('switchyard');
    const dep = await h.api.get(target('Deployment', 'search-v2'));
    expect(
      (dep.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels
        .version,
    ).toBe('v2');
    // At 0: listed on the catch-all rule, receiving nothing.
    expect(await split()).toEqual({ 'search-v1': 100, 'search-v2': 0 });
    const refs = (
      (await spec()).rules as Array<{ backendRefs: Array<{ name: string; weight?: number }> }>
    )[0]!.backendRefs;
    expect(refs.find((r) => r.name === 'search-v2')?.weight).toBe(0);
    // The route names the Service only after its endpoints were ready: the note comes first.
    const mine = events.filter((e) => e.releaseId === started.id);
    const noteAt = mine.findIndex((e) => e.type === 'note');
    expect((mine[noteAt] as { message: string }).message).toMatch(
      /^Service search-v2 created, endpoints ready/,
    );
    const routeWrite = mine.findIndex(
      (e) => e.type === 'apply' && JSON.stringify(e.progress).includes('"update-route"'),
    );
    expect(routeWrite).toBeGreaterThan(noteAt);
    expect(started.historyIds).toHaveLength(3);
    const [createDeployment, createService, addBackend] = started.historyIds;
    const entries = (await h.history.read()).entries;
    expect(entries.find((e) => e.id === createDeployment)?.steps[0]?.target.kind).toBe('Deployment');
    expect(entries.find((e) => e.id === createService)?.steps[0]?.target.kind).toBe('Service');
    const atZero = await spec();
    await undoRedo(addBackend!, original, atZero);

    let before = await spec();
    const at10 = await wf.route(started.id, [
      { version: 'search-v1', weight: 90 },
      { version: 'search-v2', weight: 10 },
    ]);
    expect(await split()).toEqual({ 'search-v1': 90, 'search-v2': 10 });
    await undoRedo(at10.historyIds.at(-1)!, before, await spec());

    before = await spec();
    const ruled = await wf.addRule(started.id, {
      matches: [{ headers: { 'x-canary': { exact: 'always' } } }],
    });
    const rules = (await spec()).rules as Array<{ matches?: unknown; backendRefs: Array<{ name: string }> }>;
    const header = rules.find((r) => JSON.stringify(r.matches ?? []).includes('x-canary'));
    expect(header?.matches).toEqual([{ headers: [{ name: 'x-canary', type: 'Exact', value: 'always' }] }]);
    expect(header?.backendRefs.map((r) => r.name)).toEqual(['search-v2']);
    await undoRedo(ruled.historyIds.at(-1)!, before, await spec());

    before = await spec();
    const promoted = await wf.promote(started.id, { override: true });
    expect(promoted.phase).toBe('promoted');
    expect(await split()).toEqual({ 'search-v1': 0, 'search-v2': 100 });
    await undoRedo(promoted.historyIds.at(-1)!, before, await spec());

    before = await spec();
    const finalized = await wf.finalize(started.id, 'scale-to-zero');
    expect(finalized.phase).toBe('finalized');
    expect(Object.keys(await split())).toEqual(['search-v2']);
    expect(((await h.api.get(target('Deployment', 'search-v1'))).spec as { replicas: number }).replicas).toBe(
      0,
    );
    // The old Service stays until the operator deletes it.
    expect(await exists('Service', 'search-v1')).toBe(true);
    const fin = (await h.history.read()).entries.find((e) => e.id === finalized.historyIds.at(-1));
    expect(fin?.steps.map((s) => `${s.target.kind}/${s.target.name}`)).toEqual([
      'HTTPRoute/search',
      'Deployment/search-v1',
    ]);

    const retired = await wf.retireService(started.id);
    expect(retired.gateway?.stableServiceDeleted).toBe(true);
    expect(await exists('Service', 'search-v1')).toBe(false);
    await expect(wf.retireService(started.id)).rejects.toThrow(/search-v1 was deleted already/);

    // Zero failed requests to search's backends across the whole release (traffic did flow).
    await sleep(1500);
    const failuresAfter = await searchFailures(h.demo);
    expect(failuresAfter.total - failuresBefore.total).toBeGreaterThan(20);
    console.info(
      `gateway-api release: ${failuresAfter.total - failuresBefore.total} requests to search, ${failuresAfter.failed - failuresBefore.failed} failed`,
    );
    expect(failuresAfter.failed - failuresBefore.failed).toBe(0);
  });

  it('aborts v3: the route exactly as it was, then its Service and Deployment deleted', async () => {
    const wf = workflow();
    const original = await spec();
    const s = await wf.start({
      serviceReleaseId: RELEASE,
      namespace: NS,
      stableVersion: 'search-v2',
      version: 'v3',
      image: IMAGE,
      replicas: 1,
    });
    expect(s.canary.version).toBe('search-v3');
    await wf.route(s.id, [
      { version: 'search-v2', weight: 75 },
      { version: 'search-v3', weight: 25 },
    ]);
    await wf.addRule(s.id, { matches: [{ headers: { 'x-canary': { exact: 'always' } } }] });
    const aborted = await wf.abort(s.id);
    expect(aborted.phase).toBe('aborted');
    expect(await spec()).toEqual(original);
    expect(await exists('Service', 'search-v3')).toBe(false);
    expect(await exists('Deployment', 'search-v3')).toBe(false);
    const steps = (await h.history.read()).entries
      .filter((e) => aborted.historyIds.includes(e.id))
      .slice(-3)
      .map((e) => `${e.steps[0]?.target.kind}/${e.steps[0]?.target.name}`);
    expect(steps).toEqual(['HTTPRoute/search', 'Service/search-v3', 'Deployment/search-v3']);
  });

  it('refuses a stable version that is not a backend of the route, naming the versions', async () => {
    await expect(
      workflow().start({
        serviceReleaseId: RELEASE,
        namespace: NS,
        stableVersion: 'nope',
        version: 'v9',
        image: IMAGE,
        replicas: 1,
      }),
    ).rejects.toThrow(/'nope' is not a version of gateway-api:storefront\/search \(versions: search-v/);
  });
});
