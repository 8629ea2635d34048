// Browser mode under load (issue 17): how large a sample traffic file the live preview takes and
// how long previewing it takes end to end (the page's socket to `switchyard web --demo` and back),
// and how many fuzzed calls per second the server answers (with the contract fuzzer's mix of valid
// and hostile calls), with the distinct error codes they met.
// Run: npx tsx test/bench/browser-mode.bench.ts. BENCH_FUZZ_SECONDS (default 20), BENCH_RUNS
// (previews per size, default 3). Prints JSON.
import { jsonStringBytes, MAX_SAMPLE_JSONL_BYTES, MAX_SAMPLE_REQUESTS } from '../../shared/api/limits.ts';
import { fuzzContract } from '../integration/server/contract-fuzzer.ts';
import { demoPools } from '../integration/server/demo-pools.ts';
import { type PageSocket, startWebProcess } from '../integration/server/web-process.ts';

const fuzzSeconds = Number(process.env.BENCH_FUZZ_SECONDS ?? 20);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const round = (n: number) => Math.round(n * 10) / 10;

const agents = [
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
];

/** One realistic request a line: user agents, a canary header for some, a cookie for others. */
function sampleLine(i: number): string {
  const headers: Record<string, string> = { 'user-agent': agents[i % agents.length] as string };
  if (i % 10 === 0) headers['x-canary'] = 'true';
  if (i % 7 === 0) headers.cookie = `session=s${i}; group=beta`;
  return `${JSON.stringify({ method: 'GET', path: `/reviews/${i % 500}`, headers })}\n`;
}

/** The most realistic lines that fit the contract's limit (and the request cap). */
function largestSample(): { jsonl: string; requests: number } {
  const lines: string[] = [];
  let bytes = 2;
  for (let i = 0; i < MAX_SAMPLE_REQUESTS; i++) {
    const line = sampleLine(i);
    const more = jsonStringBytes(line) - 2;
    if (bytes + more > MAX_SAMPLE_JSONL_BYTES) break;
    lines.push(line);
    bytes += more;
  }
  return { jsonl: lines.join(''), requests: lines.length };
}

async function servicesOf(page: PageSocket) {
  for (let i = 0; i < 120; i++) {
    const listed = await page.call('services.list', { contextId: 'demo' });
    if (listed.kind === 'result' && listed.result.ok) {
      const { services } = listed.result.value as { services: Array<{ releaseId: string; name: string }> };
      if (services.length > 0) return services;
    } else await page.call('sessions.open', { contextId: 'demo' });
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the demo mesh listed no services');
}

async function previewTimes(page: PageSocket, releaseId: string, jsonl: string) {
  const release = await page.call('release.get', { contextId: 'demo', releaseId });
  if (release.kind !== 'result' || !release.result.ok)
    throw new Error(`release.get: ${JSON.stringify(release)}`);
  const versions = (release.result.value as { versions: Array<{ name: string }> }).versions.map(
    (v) => v.name,
  );
  const desired = {
    split: versions.map((version, i) => ({ version, weight: i === 0 ? 100 : 0 })),
    rules: [
      {
        version: versions.at(-1),
        enabled: true,
        conditions: [
          [{ kind: 'header', name: 'x-canary', op: 'exact', value: 'true' }],
          [{ kind: 'os', os: 'android' }],
        ],
      },
      {
        version: versions.at(-1),
        enabled: true,
        conditions: [[{ kind: 'cookie', name: 'group', op: 'regex', value: '^beta' }]],
      },
    ],
  };
  const times: number[] = [];
  let total = 0;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const outcome = await page.call(
      'release.preview',
      { contextId: 'demo', releaseId, desired, sample: { jsonl } },
      120_000,
    );
    times.push(performance.now() - start);
    if (outcome.kind !== 'result' || !outcome.result.ok)
      throw new Error(`preview: ${JSON.stringify(outcome).slice(0, 300)}`);
    total = (outcome.result.value as { total: number }).total;
  }
  times.sort((a, b) => a - b);
  return {
    requests: total,
    medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
    maxMs: round(times.at(-1) ?? 0),
  };
}

const web = await startWebProcess();
try {
  const page = await web.connect();
  const services = await servicesOf(page);
  const releaseId = (services.find((s) => s.name === 'reviews') ?? services[0])?.releaseId as string;
  const largest = largestSample();
  const sizes = [1_000, 10_000].map((n) => Array.from({ length: n }, (_, i) => sampleLine(i)).join(''));
  const previews = [];
  for (const jsonl of [...sizes, largest.jsonl]) {
    previews.push({ bytes: jsonStringBytes(jsonl), ...(await previewTimes(page, releaseId, jsonl)) });
  }
  page.close();
  const fuzz = await fuzzContract(web, {
    seed: 17,
    timeLimitMs: fuzzSeconds * 1000,
    pools: await demoPools(web),
  });
  console.log(
    JSON.stringify(
      {
        sampleLimitBytes: MAX_SAMPLE_JSONL_BYTES,
        sampleLimitRequests: MAX_SAMPLE_REQUESTS,
        largestSample: { requests: largest.requests, bytes: jsonStringBytes(largest.jsonl) },
        previews,
        fuzz: {
          seconds: fuzz.seconds,
          calls: fuzz.calls,
          callsPerSecond: fuzz.callsPerSecond,
          distinctErrorCodes: fuzz.distinctErrorCodes,
          outcomes: fuzz.outcomes,
          failure: fuzz.failure ?? null,
        },
        serverAliveAfter: web.alive(),
      },
      null,
      2,
    ),
  );
} finally {
  await web.stop();
}
