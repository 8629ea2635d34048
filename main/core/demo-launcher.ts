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
    handle ? { running: true, url: handle.url, contextId: DEMO_CONTEXT_ID } : { running: false };

  return {
    status,
    current: () => handle,
    async open(): Promise<DemoStatus> {
      if (!handle) {
        starting ??= start().finally(() => {
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
