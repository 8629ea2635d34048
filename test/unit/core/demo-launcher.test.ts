import { describe, expect, it, vi } from 'vitest';
import { createDemoLauncher, type DemoMeshHandle } from '../../../main/core/demo-launcher.ts';

// A stop that comes while the demo mesh is still starting must win: `switchyard web` stopped in its
// first seconds (Ctrl-C, a test's SIGTERM) used to start the mesh afterwards and stay alive.

function fakeMesh() {
  const stops: string[] = [];
  let n = 0;
  const start = vi.fn(async (): Promise<DemoMeshHandle> => {
    const url = `https://127.0.0.1:${++n}`;
    return { url, kubeconfigPath: '/k', stop: async () => void stops.push(url) };
  });
  return { start, stops };
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('the demo launcher', () => {
  it('starts once for concurrent opens, and stops what it started', async () => {
    const mesh = fakeMesh();
    const launcher = createDemoLauncher(mesh.start, () => {});
    const [a, b] = await Promise.all([launcher.open(), launcher.open()]);
    expect(a).toEqual(b);
    expect(a.running).toBe(true);
    expect(mesh.start).toHaveBeenCalledTimes(1);
    await launcher.stop();
    expect(mesh.stops).toEqual(['https://127.0.0.1:1']);
    expect(launcher.status()).toEqual({ running: false });
  });

  it('never begins a start that was waiting for the first screen when it was stopped', async () => {
    const mesh = fakeMesh();
    const statuses: unknown[] = [];
    const launcher = createDemoLauncher(mesh.start, (s) => statuses.push(s));
    const firstScreen = deferred();
    const opened = launcher.open(firstScreen.promise);
    expect(launcher.status()).toEqual({ running: false, starting: true });
    await launcher.stop();
    expect(launcher.status()).toEqual({ running: false });
    firstScreen.resolve();
    await expect(opened).rejects.toThrow('the demo mesh was stopped before it started');
    expect(mesh.start).not.toHaveBeenCalled();
    expect(launcher.current()).toBeUndefined();
    expect(statuses).toEqual([{ running: false }]);
  });

  it('stops a mesh whose start was under way when it was stopped, and keeps none', async () => {
    const gate = deferred();
    const stops: string[] = [];
    const start = vi.fn(async (): Promise<DemoMeshHandle> => {
      await gate.promise;
      return { url: 'https://late', kubeconfigPath: '/k', stop: async () => void stops.push('late') };
    });
    const launcher = createDemoLauncher(start, () => {});
    const opened = launcher.open();
    await Promise.resolve();
    expect(start).toHaveBeenCalledTimes(1);
    await launcher.stop();
    gate.resolve();
    await expect(opened).rejects.toThrow('the demo mesh was stopped while it started');
    expect(stops).toEqual(['late']);
    expect(launcher.current()).toBeUndefined();
  });

  it('starts again after a stop', async () => {
    const mesh = fakeMesh();
    const launcher = createDemoLauncher(mesh.start, () => {});
    const waiting = launcher.open(new Promise(() => {}));
    await launcher.stop();
    void waiting.catch(() => {});
    const status = await launcher.open();
    expect(status).toEqual({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' });
    await launcher.stop();
    expect(mesh.stops).toEqual(['https://127.0.0.1:1']);
  });
});
