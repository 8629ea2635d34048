import type { ApiHandlers, Caller, EventSink } from '../core/api-dispatch.ts';
import type { AppCore } from '../core/app-core.ts';
import { packageVersion } from '../core/app-version.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { firstScreenGate } from '../core/first-screen-gate.ts';
import { defaultRendererDir, ensureRendererBuilt, rendererStaleness } from '../server/renderer-build.ts';
import { startWebServer } from '../server/web-server.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, UsageError } from './command.ts';
import { loadWebCore, writeWebCoreCache } from './web-core-loader.ts';
import { firstScreenRenderer } from './web-first-screen.ts';

const usage = `Usage: switchyard web [--port N] [--demo [--clusters N] [--kubeconfig FILE]] [--renderer DIR]

Serves the Switchyard console to your browser on 127.0.0.1 only, with the same contract the
desktop app uses, over one WebSocket guarded by a random token.

Options:
  --port N        listen on port N (default: a free port)
  --demo          start the embedded demo mesh right away
  --clusters N    with --demo: run the demo fleet instead, N demo meshes (2 to 12) with one
                  kubeconfig context per cluster and user (demo-eu-1-admin, …), so the console
                  connects to every cluster; the default, 1, is the single embedded demo mesh
  --kubeconfig FILE  with --clusters: write the demo fleet's kubeconfig here, for kubectl beside
                  the console (default: a temporary file, removed on stop)
  --renderer DIR  serve this built renderer (default: out/renderer, built on first run)
  -h, --help      show this help

Environment:
  SWITCHYARD_TOKEN     use this token instead of a random one (at least 16 characters)
  SWITCHYARD_DATA_DIR  where history and drafts live (default: the OS's config folder)

It prints the URL to open (with the token) once it is ready, and stops on Ctrl-C.
`;

export const webCommand: Command = {
  name: 'web',
  summary: 'serve the console to a browser on 127.0.0.1',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs({
      args,
      options: {
        port: { type: 'string' },
        demo: { type: 'boolean', default: false },
        clusters: { type: 'string' },
        kubeconfig: { type: 'string' },
        renderer: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port must be a whole number from 0 to 65535, not '${values.port}'`);
    }
    const clusters = demoClusters(values.clusters, values.demo);
    if (values.kubeconfig !== undefined && clusters === 1)
      throw new UsageError("--kubeconfig writes the demo fleet's kubeconfig: give --demo --clusters N too");
    const token = io.env.SWITCHYARD_TOKEN;
    if (token !== undefined && token.length < 16) {
      throw new UsageError('SWITCHYARD_TOKEN must be at least 16 characters long');
    }
    const rendererDir = values.renderer ?? defaultRendererDir;
    await ensureRendererBuilt(rendererDir, io.stderr);

    // The server listens and prints its URL first; the app core (and the contract) load right
    // after, while the browser opens. A page is served with its first screen in it: the answers
    // to its first calls and the screen rendered from them (main/server/first-screen-page.ts), so
    // it paints the cluster list before its scripts run; until the core is there, the page waits
    // for it (FIRST_SCREEN_LIMIT_MS at most). The demo mesh starts in the background once the page
    // has painted its first screen (or its cluster list was answered AFTER_LIST_WAIT_MS ago): the
    // first screen lists it as starting and does not wait for it.
    const firstScreen = firstScreenGate({
      noPageMs: FIRST_SCREEN_WAIT_MS,
      pageMs: PAGE_FIRST_SCREEN_WAIT_MS,
      afterListMs: AFTER_LIST_WAIT_MS,
    });
    const coreLoads = deferred();
    let stopFleet: (() => Promise<void>) | undefined;
    const corePromise = coreLoads.promise.then(async () => {
      const { createAppCore, startEmbeddedDemo, demoSampleRequests } = await loadWebCore();
      // The demo fleet's kubeconfig goes first in KUBECONFIG: its contexts are listed (and
      // connected) as any other, the operator's own contexts stay beside them.
      const fleet = clusters > 1 ? await startWebDemoFleet(clusters, io.env, values.kubeconfig) : undefined;
      stopFleet = fleet?.stop;
      const core = createAppCore({
        mode: 'web',
        version: packageVersion(),
        dataDir: defaultDataDir(io.env),
        env: fleet ? fleet.env : io.env,
        startDemo: startEmbeddedDemo,
        demoRequests: demoSampleRequests,
      });
      // It starts once the first screen's cluster list has been answered (or after a second
      // without a page), so that its seeding does not hold up the page and the first calls.
      const demo = fleet
        ? { started: Promise.resolve() }
        : values.demo
          ? core.beginDemo(firstScreen.served)
          : await core.beginDemoIfNoContexts(firstScreen.served);
      demo.started.catch((err: unknown) =>
        io.stderr(`switchyard web: the demo mesh did not start: ${(err as Error).message}\n`),
      );
      return core;
    });
    // A core that cannot start is reported once here; each call then answers with the reason.
    corePromise.catch((err: unknown) => io.stderr(`switchyard web: ${(err as Error).message}\n`));

    const handlers = coreLoads.promise
      .then(loadWebCore)
      .then(({ callNames }) => firstScreen.watch(handlersAfter(callNames, corePromise)));
    // Its failure is the core's, reported once above; each call then answers with the reason.
    handlers.catch(() => {});
    // The first screen is rendered from the sources this process runs; the page's scripts come
    // from the renderer build. From a build of other sources (one not rebuilt since an edit, an
    // older --renderer) the page is served without it, as before, rather than hydrated wrong.
    let rendererCurrent: boolean | undefined;
    const checkRenderer = () => {
      if (rendererCurrent === undefined) {
        const stale = rendererStaleness(rendererDir);
        rendererCurrent = stale === undefined;
        if (stale)
          io.stderr(
            `switchyard web: ${stale}; pages are served without their first screen until \`npm run build\`\n`,
          );
      }
      return rendererCurrent;
    };
    const renderFirstScreen = firstScreenRenderer(firstScreen, loadWebCore, handlers);
    const server = await startWebServer({
      rendererDir,
      handlers,
      firstScreen: async () => (checkRenderer() ? renderFirstScreen() : undefined),
      loadSocketLayer: loadWebCore,
      subscribe: subscribeAfter(corePromise),
      onPagePainted: () => {
        firstScreen.painted();
        // What the first screen ran is compiled by now; what comes after (the demo mesh) is not.
        setImmediate(writeWebCoreCache);
      },
      onPageScript: () => firstScreen.pageCame(),
      port,
      ...(token ? { token } : {}),
    });
    io.stdout(`Switchyard is ready: ${server.url}\n`);
    coreLoads.resolve();
    // Checked while the browser starts (~1.5 ms of stats), not when the first page is asked for.
    setImmediate(checkRenderer);
    const signal = await io.stopSignal;
    io.stderr(`switchyard web: ${signal}, stopping\n`);
    await server.close();
    await (await corePromise.catch(() => undefined))?.dispose();
    await stopFleet?.();
    return 0;
  },
};

const FIRST_SCREEN_WAIT_MS = 1000;
/** Once a page came, how long the demo mesh waits at most for that page's cluster list. */
const PAGE_FIRST_SCREEN_WAIT_MS = 5000;
/**
 * Once the page's cluster list was answered, how long the demo mesh waits at most for the page to
 * say it painted it (it asks for its first lazy chunk then): the page asks before its app runs.
 */
const AFTER_LIST_WAIT_MS = 1500;

/** `--clusters N`: 1 (the default) keeps the single demo mesh; 2 to 12 the demo fleet, only with --demo. */
export function demoClusters(raw: string | undefined, demo: boolean | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > 12) {
    throw new UsageError(`--clusters must be a whole number from 1 to 12, not '${raw}'`);
  }
  if (n > 1 && !demo) throw new UsageError('--clusters runs demo clusters: give --demo too');
  return n;
}

/**
 * The environment the core reads kubeconfigs from: the demo fleet's file first, then the operator's
 * own files as they were (KUBECONFIG's list, or ~/.kube/config when it is unset), so no context of
 * theirs goes missing while the fleet runs.
 */
export function withFleetKubeconfig(
  env: NodeJS.ProcessEnv,
  fleetPath: string,
  ownPaths: readonly string[],
  delimiter: string,
): NodeJS.ProcessEnv {
  return { ...env, KUBECONFIG: [fleetPath, ...ownPaths.filter((p) => p !== fleetPath)].join(delimiter) };
}

/** Starts the demo fleet and answers the environment whose KUBECONFIG lists its contexts first. */
async function startWebDemoFleet(clusters: number, env: NodeJS.ProcessEnv, kubeconfigPath?: string) {
  const [{ startDemoFleet }, { kubeconfigPaths }, { mkdtemp, rm }, { tmpdir }, { join, delimiter }] =
    await Promise.all([
      import('../demo/fleet/demo-fleet.ts'),
      import('../core/kubeconfig-contexts.ts'),
      import('node:fs/promises'),
      import('node:os'),
      import('node:path'),
    ]);
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-web-fleet-'));
  const fleet = await startDemoFleet({ clusters, kubeconfigPath: kubeconfigPath ?? join(dir, 'kubeconfig') });
  return {
    env: withFleetKubeconfig(env, fleet.kubeconfigPath, kubeconfigPaths(env), delimiter),
    stop: async () => {
      await fleet.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A promise and the function that settles it. */
function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Handlers that wait for the core, so the server can listen before the core has loaded. */
function handlersAfter(callNames: readonly string[], core: Promise<AppCore>): ApiHandlers {
  return Object.fromEntries(
    callNames.map((name) => [
      name,
      async (request: unknown, caller?: Caller) => {
        const handler = (await core).handlers[name as keyof ApiHandlers] as (
          req: unknown,
          caller?: Caller,
        ) => Promise<unknown>;
        return handler(request, caller);
      },
    ]),
  ) as ApiHandlers;
}

function subscribeAfter(core: Promise<AppCore>): (sink: EventSink, clientId: string) => () => void {
  return (sink, clientId) => {
    let unsubscribe: (() => void) | undefined;
    let closed = false;
    void core.then(
      (c) => {
        if (!closed) unsubscribe = c.subscribe(sink, clientId);
      },
      () => {},
    );
    return () => {
      closed = true;
      unsubscribe?.();
    };
  };
}
