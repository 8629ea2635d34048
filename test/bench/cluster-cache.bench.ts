// Main-process memory with a large mesh cached, and the time to list 100 contexts.
// Run bundled on plain Node (the honest figure: what the built main process carries):
//   mkdir -p out/bench && npx esbuild test/bench/cluster-cache.bench.ts --bundle --platform=node \
//     --format=esm --packages=external --outfile=out/bench/cluster-cache.mjs \
//     && BENCH_SETTLE_MS=20000 node --expose-gc out/bench/cluster-cache.mjs
// or through tsx: npx tsx test/bench/cluster-cache.bench.ts. BENCH_SERVICES=5000 by default. Prints JSON.
// The demo mesh runs in a child process so that only the cache's process is measured.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { getHeapSpaceStatistics } from 'node:v8';
import { systemClock } from '../../main/core/cluster/clock.ts';
import { createSessionManager } from '../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../main/core/kubeconfig/kubeconfig-loader.ts';
import { readReleases } from '../../shared/mesh/read/index.ts';

const root = resolve(import.meta.dirname, '../..');
const services = Number(process.env.BENCH_SERVICES ?? 5000);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

if (process.argv[2] === '--serve-demo') {
  // Child: the demo mesh alone; prints its kubeconfig path once it listens.
  const { startDemoMesh } = await import('../../main/demo/demo-mesh.ts');
  const demo = await startDemoMesh({ services: Number(process.argv[3]) });
  process.stdout.write(`${JSON.stringify({ kubeconfigPath: demo.kubeconfigPath })}\n`);
  process.on('SIGTERM', () => void demo.stop().then(() => process.exit(0)));
} else {
  await main();
}

async function listHundredContexts(dir: string) {
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    const lines = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster: {server: "https://127.0.0.1:1"}',
    ];
    lines.push('users:', '- name: u', '  user: {token: t}', 'contexts:');
    for (let i = 0; i < 25; i++)
      lines.push(`- name: ctx-${f}-${i}`, '  context: {cluster: c, user: u, namespace: ns}');
    files.push(join(dir, `kube-${f}`));
    writeFileSync(files[f] as string, `${lines.join('\n')}\n`);
  }
  const loader = createKubeconfigLoader({ env: { KUBECONFIG: files.join(delimiter) }, home: dir });
  let started = performance.now();
  const first = await loader.load();
  const coldMs = performance.now() - started;
  started = performance.now();
  await loader.load();
  const warmMs = performance.now() - started;
  return {
    contexts: first.contexts.length,
    coldMs: Math.round(coldMs * 10) / 10,
    warmMs: Math.round(warmMs * 10) / 10,
  };
}

/**
 * Run through tsx, the benchmark carries ~100 MB of RSS of tsx alone that the built
 * Electron main process does not carry. Plain Node with client-node loaded is the honest baseline.
 */
function plainNodeBaselineMb(): number {
  const script =
    "import('@kubernetes/client-node').then(() => { global.gc(); process.stdout.write(String(process.memoryUsage().rss)); })";
  const out = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: root, encoding: 'utf8' });
  return mb(Number(out.stdout));
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
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    try {
      const { kubeconfigPath } = JSON.parse(line) as { kubeconfigPath: string };
      return { child, kubeconfigPath };
    } catch {
      // a log line before the ready line
    }
  }
  throw new Error('the demo mesh child exited before printing its kubeconfig path');
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-cache-'));
  const listing = await listHundredContexts(dir);
  const baselinePlain = plainNodeBaselineMb();
  global.gc?.();
  const baseline = process.memoryUsage();
  const { child, kubeconfigPath } = await startDemoChild();
  try {
    const manager = createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: kubeconfigPath }, home: dir }),
      clock: systemClock,
      dataDir: join(dir, 'data'),
      execEnv: () => ({}),
      readReleases,
      session: {
        requestTimeoutMs: 60_000,
        cache: {
          ...(process.env.BENCH_PAGE_SIZE ? { pageSize: Number(process.env.BENCH_PAGE_SIZE) } : {}),
          ...(process.env.BENCH_LIST_CONCURRENCY
            ? { listConcurrency: Number(process.env.BENCH_LIST_CONCURRENCY) }
            : {}),
        },
      },
    });
    const started = performance.now();
    const info = await manager.open('demo-admin');
    const session = manager.session('demo-admin');
    if (!session?.cache) throw new Error(`demo-admin did not open: ${info.statusReason ?? info.status}`);
    await session.cache.whenSynced(300_000);
    const syncMs = performance.now() - started;
    session.releases?.flush();
    global.gc?.();
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_SETTLE_MS ?? 500)));
    const after = process.memoryUsage();
    const byKind: Record<string, number> = {};
    const bytesByKind: Record<string, number> = {};
    for (const o of session.cache.all()) {
      byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
      bytesByKind[o.kind] = (bytesByKind[o.kind] ?? 0) + JSON.stringify(o).length;
    }
    const jsonKbPerObject = Object.fromEntries(
      Object.entries(bytesByKind).map(([k, b]) => [k, Math.round(b / (byKind[k] ?? 1) / 102.4) / 10]),
    );
    const bundled = !import.meta.filename.endsWith('.ts');
    const estimatedThroughTsx = Math.round((baselinePlain + mb(after.rss - baseline.rss)) * 10) / 10;
    const result = {
      benchmark: 'cluster-cache',
      services,
      objectsCached: session.cache.size,
      objectsByKind: byKind,
      jsonKbPerObject,
      releases: session.releases?.releases().length ?? 0,
      syncMs: Math.round(syncMs),
      rssMb: mb(after.rss),
      heapUsedMb: mb(after.heapUsed),
      heapTotalMb: mb(after.heapTotal),
      externalMb: mb(after.external),
      /** Committed size of each V8 heap space: where heapTotal goes beyond heapUsed. */
      heapSpacesMb: Object.fromEntries(
        getHeapSpaceStatistics()
          .filter((s) => s.space_size > 1024 * 1024)
          .map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]),
      ),
      rssGrowthMb: mb(after.rss - baseline.rss),
      heapGrowthMb: mb(after.heapUsed - baseline.heapUsed),
      plainNodeBaselineMb: baselinePlain,
      // Bundled, rssMb is the measurement itself; through tsx it carries tsx's ~100 MB, so the
      // figure to compare is plain Node with client-node plus what the cache added.
      measuredOn: bundled ? 'bundled, plain node' : 'tsx',
      estimatedMainProcessRssMb: bundled ? mb(after.rss) : estimatedThroughTsx,
      rssTargetMb: 250,
      withinTarget: (bundled ? mb(after.rss) : estimatedThroughTsx) < 250,
      listHundredContexts: listing,
    };
    console.log(JSON.stringify(result, null, 2));
    await manager.dispose();
  } finally {
    child.kill('SIGTERM');
  }
}
