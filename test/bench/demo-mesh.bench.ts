// Demo mesh at scale: 5,000 VirtualServices + 5,000 DestinationRules (50 namespaces × 100).
// Prints JSON: list latency across namespaces, server RSS, and watch delivery latency; then the
// startup of the whole demo (`startDemoMesh({ services })`, simulation on: Deployments,
// ReplicaSets and pods for every generated service) and its RSS, each in a process of its own.
// Run: npx tsx test/bench/demo-mesh.bench.ts [--services N]
import { Agent, request as httpRequest } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDemoMesh } from '../../main/demo/demo-mesh.ts';
import type { KubeObject } from '../../shared/mesh/model/index.ts';

const { values } = parseArgs({
  options: { services: { type: 'string', default: '5000' } },
  strict: false,
  allowPositionals: true,
});
const services = Number(values.services ?? 5000);
const perNamespace = 100;

function objects(): KubeObject[] {
  const out: KubeObject[] = [];
  const namespaces = Math.ceil(services / perNamespace);
  for (let n = 0; n < namespaces; n++)
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } });
  for (let i = 0; i < services; i++) {
    const namespace = `bench-${Math.floor(i / perNamespace)}`;
    const host = `svc-${i}`;
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: host, namespace, labels: { app: host } },
      spec: {
        host,
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: host, namespace, labels: { app: host } },
      spec: {
        hosts: [host],
        http: [
          {
            name: 'canary',
            match: [{ headers: { 'x-canary': { exact: 'true' } } }],
            route: [{ destination: { host, subset: 'v2' } }],
          },
          {
            name: 'split',
            route: [
              { destination: { host, subset: 'v1' }, weight: 90 },
              { destination: { host, subset: 'v2' }, weight: 10 },
            ],
          },
        ],
      },
    });
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number) => Math.round(n * 100) / 100;

interface ClientReport {
  items: number;
  bytes: number;
  listTimes: number[];
  latencies: number[];
}

/** One request with node:http (lighter than fetch, closer to what kubectl's Go client costs). */
function request(
  url: string,
  token: string,
  method = 'GET',
  body?: string,
): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body) headers['Content-Type'] = 'application/merge-patch+json';
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ bytes: all.length, text: all.length < 1_000_000 ? all.toString() : '' });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const agent = new Agent({ keepAlive: true });

/** The measuring client, in a child process so the server's RSS and event loop are its own. */
async function client(url: string, token: string, rv: string): Promise<ClientReport> {
  const listTimes: number[] = [];
  let bytes = 0;
  const listUrl = `${url}/apis/networking.istio.io/v1/virtualservices`;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    bytes = (await request(listUrl, token)).bytes;
    listTimes.push(performance.now() - t0);
  }
  const listText = await fetch(listUrl, { headers: { Authorization: `Bearer ${token}` } }).then((r) =>
    r.text(),
  );
  const items = (JSON.parse(listText) as { items: unknown[] }).items.length;

  // Watch latency: from sending a PATCH to its event arriving on an open watch.
  let onLine: (() => void) | undefined;
  let buffer = '';
  const watchReq = httpRequest(
    `${url}/apis/networking.istio.io/v1/namespaces/bench-0/virtualservices?watch=true&resourceVersion=${rv}`,
    { headers: { Authorization: `Bearer ${token}` } },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        while (buffer.includes('\n')) {
          buffer = buffer.slice(buffer.indexOf('\n') + 1);
          onLine?.();
        }
      });
    },
  );
  watchReq.end();
  await new Promise((r) => setTimeout(r, 200));
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const arrived = new Promise<void>((resolve) => {
      onLine = resolve;
    });
    await request(
      `${url}/apis/networking.istio.io/v1/namespaces/bench-0/virtualservices/svc-${i % perNamespace}`,
      token,
      'PATCH',
      JSON.stringify({ metadata: { labels: { round: String(i) } } }),
    );
    await arrived;
    latencies.push(performance.now() - t0);
  }
  watchReq.destroy();
  return { items, bytes, listTimes, latencies };
}

interface StartupReport {
  startMs: number;
  objects: number;
  rssAfterStartMb: number;
  rssSettledMb: number;
  peakRssMb: number;
}

/** The full demo's startup, simulation on, in a fresh process so its RSS is its own. */
async function startup(): Promise<StartupReport> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  const mesh = await startDemoMesh({ http: true, services });
  const startMs = performance.now() - t0;
  const rssAfterStart = process.memoryUsage().rss;
  // Pods turn ready after the readiness delay (1.5 s): that second wave of writes counts too.
  await new Promise((r) => setTimeout(r, 3000));
  clearInterval(sampler);
  const rssSettled = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rssSettled);
  let objects = 0;
  for (const t of mesh.store.types()) objects += mesh.store.entries(t).length;
  await mesh.stop();
  const mb = (n: number) => round(n / 1024 / 1024);
  return {
    startMs: round(startMs),
    objects,
    rssAfterStartMb: mb(rssAfterStart),
    rssSettledMb: mb(rssSettled),
    peakRssMb: mb(peakRss),
  };
}

async function measureStartup(): Promise<StartupReport> {
  const { fork } = await import('node:child_process');
  const child = fork(process.argv[1] as string, ['--startup', '--services', String(services)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<StartupReport>((resolve, reject) => {
    child.once('message', (m) => resolve(m as StartupReport));
    child.once('exit', (code) => reject(new Error(`startup bench exited with ${code}`)));
  });
}

async function server() {
  const { fork } = await import('node:child_process');
  const loadStart = performance.now();
  const mesh = await startDemoMesh({ http: true, simulation: false, objects: objects() });
  const loadMs = performance.now() - loadStart;
  try {
    const child = fork(
      process.argv[1] as string,
      ['--client', mesh.url, mesh.tokens.admin, String(mesh.store.resourceVersion)],
      {
        execArgv: process.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const report = await new Promise<ClientReport>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ClientReport));
      child.once('exit', (code) => reject(new Error(`bench client exited with ${code}`)));
    });
    clearInterval(sampler);
    const warm = report.listTimes.slice(2).sort((a, b) => a - b);
    const latencies = [...report.latencies].sort((a, b) => a - b);
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    const peakRssMb = peakRss / 1024 / 1024;
    child.kill();
    const loadAverage = loadavg().map(round);
    const start = await measureStartup();
    const vsType = mesh.store.typeFor('networking.istio.io/v1', 'VirtualService');
    const drType = mesh.store.typeFor('networking.istio.io/v1', 'DestinationRule');
    const result = {
      services,
      objects: (vsType ? mesh.store.list(vsType).length : 0) + (drType ? mesh.store.list(drType).length : 0),
      loadMs: round(loadMs),
      listAllVirtualServices: {
        items: report.items,
        bytes: report.bytes,
        firstMs: round(report.listTimes[0] ?? 0),
        medianMs: round(percentile(warm, 50)),
        maxMs: round(warm[warm.length - 1] ?? 0),
        budgetMs: 300,
      },
      serverRssMb: round(rssMb),
      serverPeakRssMb: round(peakRssMb),
      rssBudgetMb: 300,
      watchEventLatency: {
        samples: latencies.length,
        medianMs: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        budgetMs: 20,
      },
      startupWithSimulation: { ...start, startBudgetMs: 8000, rssBudgetMb: 300 },
      // Timings on a shared machine depend on what else runs: this is the 1/5/15-minute load.
      loadAverage,
      // The first list includes the client's connection setup and JIT warm-up; the budget is judged on the median.
      pass: percentile(warm, 50) < 300 && peakRssMb < 300 && percentile(latencies, 50) < 20,
      startupPass: start.startMs < 8000 && start.peakRssMb < 300,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await mesh.stop();
  }
}

if (process.argv[2] === '--startup') {
  const report = await startup();
  process.send?.(report, () => process.exit(0));
} else if (process.argv[2] === '--client') {
  const [url, token, rv] = process.argv.slice(3);
  const report = await client(url ?? '', token ?? '', rv ?? '0');
  process.send?.(report, () => process.exit(0));
} else {
  await server();
}
