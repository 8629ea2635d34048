import { describe, expect, it } from 'vitest';
import { createDemoLauncher } from '../../../main/core/demo-launcher.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import type { DemoStatus } from '../../../shared/api/contract.ts';
import { demoContext } from './clusters-fixtures.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

// The first screen does not wait for the demo mesh: main begins to start it, `demo.status` says it
// is starting, the cluster list is answered at once, and the console follows the demo when it runs.

describe('the demo mesh starting after the first screen', () => {
  it('is reported as starting until it runs, and one start serves every open', async () => {
    let finish: () => void = () => {};
    let starts = 0;
    const changes: DemoStatus[] = [];
    const launcher = createDemoLauncher(
      () =>
        new Promise((resolve) => {
          starts++;
          finish = () => resolve({ url: 'https://127.0.0.1:1', kubeconfigPath: '/k', stop: async () => {} });
        }),
      (s) => changes.push(s),
    );
    expect(launcher.status()).toEqual({ running: false });
    const first = launcher.open();
    const second = launcher.open();
    expect(launcher.status()).toEqual({ running: false, starting: true });
    finish();
    await Promise.all([first, second]);
    expect(starts).toBe(1);
    expect(launcher.status()).toEqual({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' });
    expect(changes.at(-1)?.running).toBe(true);
  });

  it('begins only once the first screen is served, reported as starting meanwhile', async () => {
    let starts = 0;
    const launcher = createDemoLauncher(
      async () => {
        starts++;
        return { url: 'https://127.0.0.1:2', kubeconfigPath: '/k', stop: async () => {} };
      },
      () => {},
    );
    let served: () => void = () => {};
    const opened = launcher.open(new Promise<void>((r) => (served = r)));
    await new Promise((r) => setTimeout(r, 0));
    expect(starts).toBe(0);
    expect(launcher.status()).toEqual({ running: false, starting: true });
    served();
    await opened;
    expect(starts).toBe(1);
    expect(launcher.status().running).toBe(true);
  });

  it('is followed by the console: the first screen opens the demo once it runs', async () => {
    let answerOpen: (s: DemoStatus) => void = () => {};
    const fake = fakeApi({
      'app.info': () =>
        ok({ name: 'Switchyard', version: '0', mode: 'web', platform: 'linux', node: '20', dataDir: '/d' }),
      'contexts.list': () => ok({ contexts: [demoContext], problems: [] }),
      'demo.status': () => ok({ running: false, starting: true }),
      'demo.open': () =>
        new Promise((resolve) => {
          answerOpen = (s) => resolve(ok(s));
        }),
      'sessions.open': () => ok({ ...demoContext, status: 'connected' }),
    });
    const store = createClustersStore({ ...fake.api, transport: { onStatus: () => () => {} } } as never);
    const loading = store.getState().load();
    await new Promise((r) => setTimeout(r, 0));
    // The list is on screen already, the demo marked as being started.
    expect(store.getState().contexts.map((c) => c.name)).toEqual(['Demo mesh']);
    expect(store.getState().openingDemo).toBe(true);
    expect(fake.sent('sessions.open')).toEqual([]);
    answerOpen({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' });
    await loading;
    expect(fake.sent('sessions.open')).toEqual([{ contextId: 'demo' }]);
    expect(store.getState().activeContextId).toBe('demo');
  });
});
