import type { DemoStatus } from '../../shared/api/contract.ts';

/** What the app needs of a running demo mesh (the entry point starts it: main/demo/embedded-demo.ts). */
export interface DemoMeshHandle {
  url: string;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export type StartDemo = () => Promise<DemoMeshHandle>;

export const DEMO_CONTEXT_ID = 'demo';

/** Starts the embedded demo mesh once, in-process; concurrent opens share one start. */
export function createDemoLauncher(start: StartDemo, onChange: (status: DemoStatus) => void) {
  let handle: DemoMeshHandle | undefined;
  let starting: Promise<DemoMeshHandle> | undefined;

  const status = (): DemoStatus =>
    handle
      ? { running: true, url: handle.url, contextId: DEMO_CONTEXT_ID }
      : starting
        ? { running: false, starting: true }
        : { running: false };

  return {
    status,
    current: () => handle,
    /** `after`: begin the start only once this settles (the first screen is out); starting meanwhile. */
    async open(after?: Promise<unknown>): Promise<DemoStatus> {
      if (!handle) {
        starting ??= (after ? after.then(start, start) : start()).finally(() => {
          starting = undefined;
        });
        handle = await starting;
        onChange(status());
      }
      return status();
    },
    async stop(): Promise<void> {
      const h = handle;
      handle = undefined;
      if (h) {
        await h.stop();
        onChange(status());
      }
    },
  };
}
