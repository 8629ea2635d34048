// Routing-core figures: `npx tsx test/bench/routing-core.bench.ts` prints one JSON object.
import { re2Engine } from '../../main/lib/re2-engine.ts';
import { compileVirtualService, type MeshRequest, previewTraffic } from '../../shared/mesh/evaluate/index.ts';
import { lintObjects } from '../../shared/mesh/lint/index.ts';
import type { DestinationRule, KubeObject, VirtualService } from '../../shared/mesh/model/index.ts';
import { setWeight, type VersionWeight } from '../../shared/mesh/model/index.ts';
import { compileRule, parseCondition } from '../../shared/mesh/policy/index.ts';
import { readReleases } from '../../shared/mesh/read/index.ts';

const engine = re2Engine();

const SERVICES = 10_000;
const NAMESPACES = 100;

/**
 * One service as a team would write it: a header rule for testers, a uri-regex rule on every third
 * service, a weighted catch-all with retries and a timeout, and a DestinationRule with 2 or 3
 * subsets (the third one is routed to by nothing, which is common while a version is prepared).
 */
function service(i: number): [VirtualService, DestinationRule] {
  const host = `svc-${i}`;
  const ns = `team-${i % NAMESPACES}`;
  const subsets = i % 2 === 0 ? ['v1', 'v2'] : ['v1', 'v2', 'v3'];
  const dest = (subset: string) => ({ host, subset, port: { number: 8080 } });
  const http: NonNullable<VirtualService['spec']>['http'] = [
    {
      name: 'testers',
      match: [{ headers: { 'x-tester': { exact: 'yes' } } }],
      route: [{ destination: dest('v2') }],
    },
  ];
  if (i % 3 === 0)
    http.push({
      name: 'api',
      match: [{ uri: { regex: `/api/v[0-9]+/${i % 7}/.*` } }],
      route: [{ destination: dest('v2') }],
    });
  http.push({
    name: 'default',
    route: [
      { destination: dest('v1'), weight: 90 },
      { destination: dest('v2'), weight: 10 },
    ],
    retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
    timeout: '10s',
  });
  const meta = { name: host, namespace: ns, resourceVersion: String(i + 1) };
  const vs: VirtualService = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta,
    spec: { hosts: [host], http },
  };
  const dr: DestinationRule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { ...meta },
    spec: { host, subsets: subsets.map((name) => ({ name, labels: { app: host, version: name } })) },
  };
  return [vs, dr];
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// Read and lint 10,000 VirtualServices with their DestinationRules, as the console does after a
// cluster sync (target < 1 s). One warm-up run, then the median of five: the machine is shared.
const objects: KubeObject[] = [];
for (let i = 0; i < SERVICES; i++) objects.push(...service(i));
const readMs: number[] = [];
const lintMs: number[] = [];
const totalMs: number[] = [];
let releaseCount = 0;
let lintFindings = 0;
for (let run = 0; run < 6; run++) {
  const read = time(() => readReleases(objects));
  const lint = time(() => lintObjects(objects, { engine }));
  if (run === 0) continue;
  readMs.push(read.ms);
  lintMs.push(lint.ms);
  totalMs.push(read.ms + lint.ms);
  releaseCount = read.value.length;
  lintFindings = lint.value.length;
}

// Evaluator: a VirtualService with 5 rules, compiled once, then many requests.
const host = 'reviews';
const five: VirtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: host, namespace: 'bookinfo' },
  spec: {
    hosts: [host],
    http: [
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host, subset: 'v2' } }],
      },
      {
        match: compileRule([parseCondition('os:ios'), parseCondition('browser:safari')], engine),
        route: [{ destination: { host, subset: 'v3' } }],
      },
      {
        match: compileRule([parseCondition('cookie:beta=1')], engine),
        route: [{ destination: { host, subset: 'v2' } }],
      },
      {
        match: [{ uri: { prefix: '/admin' } }, { queryParams: { debug: { exact: '1' } } }],
        route: [{ destination: { host, subset: 'v1' } }],
      },
      {
        route: [
          { destination: { host, subset: 'v1' }, weight: 90 },
          { destination: { host, subset: 'v2' }, weight: 10 },
        ],
      },
    ],
  },
};
const compile = time(() => {
  let r = compileVirtualService(five, { engine });
  for (let i = 0; i < 999; i++) r = compileVirtualService(five, { engine });
  return r;
});
const router = compile.value;
const agents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
];
const requests: MeshRequest[] = Array.from({ length: 1000 }, (_, i) => ({
  method: 'GET',
  path: `/reviews/${i}`,
  headers: {
    'user-agent': agents[i % agents.length]!,
    cookie: i % 7 === 0 ? 'session=abc; beta=1' : 'session=abc',
  },
}));
const evalRounds = 200;
const evaluate = time(() => {
  let routed = 0;
  for (let k = 0; k < evalRounds; k++)
    for (let i = 0; i < requests.length; i++)
      if (router.route(requests[i]!, (i % 100) / 100).kind === 'route') routed++;
  return routed;
});
const preview = time(() =>
  previewTraffic(
    router,
    requests.concat(requests, requests, requests, requests, requests, requests, requests, requests, requests),
  ),
);

// Weight math: moving one slider among 6 versions with a lock.
const split: VersionWeight[] = [
  { version: 'v1', weight: 40 },
  { version: 'v2', weight: 20, locked: true },
  { version: 'v3', weight: 15 },
  { version: 'v4', weight: 10 },
  { version: 'v5', weight: 10 },
  { version: 'v6', weight: 5 },
];
const weights = time(() => {
  let s = split;
  for (let i = 0; i < 100_000; i++) s = setWeight(s, 'v1', i % 81).weights;
  return s;
});

const evaluatedRequests = evalRounds * requests.length;
console.log(
  JSON.stringify(
    {
      readAndLint10k: {
        virtualServices: SERVICES,
        destinationRules: SERVICES,
        namespaces: NAMESPACES,
        releases: releaseCount,
        lintFindings,
        medianMs: Math.round(median(totalMs)),
        readMedianMs: Math.round(median(readMs)),
        lintMedianMs: Math.round(median(lintMs)),
        runs: totalMs.length,
        targetMs: 1000,
      },
      compileFiveRuleVirtualServiceUs: Math.round(compile.ms),
      evaluatorRequestsPerSecond: Math.round(evaluatedRequests / (evaluate.ms / 1000)),
      evaluatorRoutedShare: Math.round((evaluate.value / evaluatedRequests) * 1000) / 1000,
      preview10kRequestsMs: Math.round(preview.ms),
      setWeightPerSecond: Math.round(100_000 / (weights.ms / 1000)),
    },
    null,
    2,
  ),
);
