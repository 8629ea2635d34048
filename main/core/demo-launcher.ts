import type { DemoStatus } from '../../shared/api/contract.ts';

/** What the app needs of a running demo mesh. */
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

/** Extra generated services for the demo (scale tests, benchmarks): SWITCHYARD_DEMO_SERVICES=5000. */
export function demoServicesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.SWITCHYARD_DEMO_SERVICES;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  // As many as `switchyard demo --services` takes: issue 13 measures the console at 50,000.
  if (!Number.isInteger(n) || n < 0 || n > 100_000)
    throw new Error(`SWITCHYARD_DEMO_SERVICES must be a whole number from 0 to 100000, not '${raw}'`);
  return n;
}

/** The real demo mesh from main/demo, loaded only when first opened. */
export const startEmbeddedDemo: StartDemo = async () => {
  const { startDemoMesh } = await import('../demo/demo-mesh.ts');
  const services = demoServicesFromEnv(process.env);
  const mesh = await startDemoMesh(services > 0 ? { services } : {});
  return { url: mesh.url, kubeconfigPath: mesh.kubeconfigPath, stop: () => mesh.stop() };
};
