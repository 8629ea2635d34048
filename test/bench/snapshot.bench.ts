// Offline snapshots at scale (issue 8): the demo mesh with 5,000 generated services. Measures the
// snapshot write (serialize + atomic write, file size, the longest stretch the event loop is held),
// then restarts the console with the mesh gone and times `services.list` and `release.get` from
// the snapshot (first call: read, validate and compute; later calls: memoized).
// Run: npx tsx test/bench/snapshot.bench.ts  (BENCH_SERVICES=5000 by default). Prints JSON.
// The demo mesh runs in a child process so that only the console's process is measured.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createConsoleHandlers } from '../../main/core/handlers/console-handlers.ts';
import type { SnapshotSaveStats } from '../../main/core/snapshots/snapshot-store.ts';
import { createSnapshotStore } from '../../main/core/snapshots/snapshot-store.ts';

const root = resolve(import.meta.dirname, '../..');
const services = Number(process.env.BENCH_SERVICES ?? 5000);
const CONTEXT = 'kube:demo-admin';
const REVIEWS = 'istio:bookinfo/reviews.bookinfo.svc.cluster.local';
const round = (n: number) => Math.round(n * 10) / 10;

if (process.argv[2] === '--serve-demo') {
  const { startDemoMesh } = await import('../../main/demo/demo-mesh.ts');
  const demo = await startDemoMesh({ services: Number(process.argv[3]), requestsPerSecond: 5 });
  process.stdout.write(`${JSON.stringify({ kubeconfigPath: demo.kubeconfigPath })}\n`);
  process.on('SIGTERM', () => void demo.stop().then(() => process.exit(0)));
} else {
  await main();
}

async function startDemoChild(): Promise<{ child: ChildProcess; kubeconfigPath: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--serve-demo', String(services)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    try {
      return { child, kubeconfigPath: (JSON.parse(line) as { kubeconfigPath: string }).kubeconfigPath };
    } catch {
      // a log line before the ready line
    }
  }
  throw new Error('the demo mesh child exited before printing its kubeconfig path');
}

/** The longest gap between 1 ms ticks while `work` runs: how long the event loop was held. */
async function loopHeld<T>(work: () => Promise<T>): Promise<{ value: T; maxGapMs: number; ms: number }> {
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  try {
    const value = await work();
    const ms = performance.now() - started;
    maxGap = Math.max(maxGap, performance.now() - last);
    return { value, maxGapMs: round(maxGap), ms: round(ms) };
  } finally {
    clearInterval(ticker);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: round(performance.now() - started) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-snapshot-'));
  const dataDir = join(dir, 'data');
  const { child, kubeconfigPath } = await startDemoChild();
  let captured: SnapshotSaveStats | undefined;
  const handlersOn = () =>
    createConsoleHandlers({
      dataDir,
      env: { KUBECONFIG: kubeconfigPath },
      emit: () => {},
      snapshots: {
        debounceMs: 500,
        onSaved: (_id, stats) => {
          captured ??= stats;
        },
      },
    });
  let live: ReturnType<typeof handlersOn> | undefined = handlersOn();
  let liveListMs = 0;
  const writes: Array<{
    ms: number;
    maxGapMs: number;
    serializeMs: number;
    longestBlockMs: number;
    writeMs: number;
  }> = [];
  try {
    const opened = await live['sessions.open']({ contextId: CONTEXT });
    if (opened.status !== 'connected')
      throw new Error(`${CONTEXT}: ${opened.status} ${opened.statusReason ?? ''}`);
    const first = await timed(() => live!['services.list']({ contextId: CONTEXT }));
    liveListMs = first.ms;
    while (!captured) await new Promise((r) => setTimeout(r, 100));
    // The same write again, timed alone, with the event loop watched.
    const session = live.session(CONTEXT);
    const store = createSnapshotStore({ dir: join(dir, 'again') });
    for (let i = 0; i < 3; i++) {
      const run = await loopHeld(() =>
        store.save(
          {
            contextId: CONTEXT,
            contextName: 'demo-admin',
            cluster: 'bench',
            capturedAt: new Date().toISOString(),
          },
          [...session.cache!.all()],
        ),
      );
      writes.push({
        ms: run.ms,
        maxGapMs: run.maxGapMs,
        serializeMs: round(run.value.serializeMs),
        longestBlockMs: round(run.value.longestBlockMs),
        writeMs: round(run.value.writeMs),
      });
    }
    await live.dispose();
    live = undefined;
  } finally {
    await live?.dispose();
    child.kill('SIGTERM');
  }

  // A restart with the mesh gone.
  await new Promise((r) => child.once('exit', r));
  const offline = handlersOn();
  const contexts = await timed(() => offline.listContexts());
  const open = await offline['sessions.open']({ contextId: CONTEXT });
  const cold = await loopHeld(() => offline['services.list']({ contextId: CONTEXT }));
  const warm: number[] = [];
  for (let i = 0; i < 5; i++)
    warm.push((await timed(() => offline['services.list']({ contextId: CONTEXT }))).ms);
  const view = await timed(() => offline['release.get']({ contextId: CONTEXT, releaseId: REVIEWS }));
  const viewAgain = await timed(() => offline['release.get']({ contextId: CONTEXT, releaseId: REVIEWS }));
  const base = await timed(() => offline.draftBase(CONTEXT, REVIEWS));
  await offline.dispose();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  console.log(
    JSON.stringify(
      {
        benchmark: 'snapshot',
        services,
        snapshot: {
          objects: captured?.objects,
          fileMb: round((captured?.bytes ?? 0) / 1024 / 1024),
          capturedWrite: captured && {
            serializeMs: round(captured.serializeMs),
            longestBlockMs: round(captured.longestBlockMs),
            writeMs: round(captured.writeMs),
          },
          writeMsMedian: median(writes.map((w) => w.ms)),
          eventLoopMaxGapMsMedian: median(writes.map((w) => w.maxGapMs)),
          writes,
        },
        live: { servicesListMs: liveListMs },
        offline: {
          contextsListMs: contexts.ms,
          sessionStatus: open.status,
          servicesListFirstMs: cold.ms,
          servicesListFirstEventLoopMaxGapMs: cold.maxGapMs,
          servicesListLaterMsMedian: median(warm),
          services: cold.value.services.length,
          snapshotAt: cold.value.snapshotAt,
          releaseGetFirstMs: view.ms,
          releaseGetLaterMs: viewAgain.ms,
          draftBaseMs: base.ms,
          draftBaseObjects: base.value.objects.length,
        },
      },
      null,
      2,
    ),
  );
}
