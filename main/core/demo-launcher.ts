import type { DemoStatus } from '../../shared/api/contract.ts';

/** What the app needs of a running demo mesh (the entry point starts it: main/demo/embedded-demo.ts). */
export interface DemoMeshHandle {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export type StartDemo = () => Promise<DemoMeshHandle>;

export const DEMO_CONTEXT_ID = 'demo';

/**
 * Starts the embedded demo mesh once, in-process; concurrent opens share one start. A stop while it
 * is still starting (waiting for the first screen, or mid-start) wins: that start never begins, or
 * its mesh is stopped as soon as it is up, so a process that stops early does not keep a demo mesh
 * running (it kept `switchyard web` alive after Ctrl-C).
 */
export function createDemoLauncher(start: StartDemo, onChange: (status: DemoStatus) => void) {
  let handle: DemoMeshHandle | undefined;
  let starting: Promise<DemoMeshHandle> | undefined;
  /** Bumped by each stop: a start begun before it is not kept. */
  let generation = 0;

  const status = (): DemoStatus =>
    handle
      ? { running: true, url: handle.url, contextId: DEMO_CONTEXT_ID }
      : starting
        ? { running: false, starting: true }
        : { running: false };

  const startFor = (gen: number) => async (): Promise<DemoMeshHandle> => {
    if (gen !== generation) throw new Error('the demo mesh was stopped before it started');
    const started = await start();
    if (gen !== generation) {
      await started.stop();
      throw new Error('the demo mesh was stopped while it started');
    }
    return started;
  };

  return {
    status,
    current: () => handle,
    /** `after`: begin the start only once this settles (the first screen is out); starting meanwhile. */
    async open(after?: Promise<unknown>): Promise<DemoStatus> {
      if (!handle) {
        if (!starting) {
          const begin = startFor(generation);
          const attempt = (after ? after.then(begin, begin) : begin()).finally(() => {
            if (starting === attempt) starting = undefined;
          });
          starting = attempt;
        }
        handle = await starting;
        onChange(status());
      }
      return status();
    },
    async stop(): Promise<void> {
      generation++;
      const wasStarting = starting !== undefined;
      starting = undefined;
      const h = handle;
      handle = undefined;
      if (h) await h.stop();
      if (h || wasStarting) onChange(status());
    },
  };
}
