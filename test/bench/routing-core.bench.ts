// Routing-core figures: `npx tsx test/bench/routing-core.bench.ts` prints one JSON object.
import { re2Engine } from '../../main/core/re2-engine.ts';
import { compileRule, parseCondition } from '../../shared/mesh/content-policy.ts';
import { compileVirtualService, type MeshRequest } from '../../shared/mesh/evaluator.ts';
import type { DestinationRule, KubeObject, VirtualService } from '../../shared/mesh/istio-types.ts';
import { lintObjects } from '../../shared/mesh/lint.ts';
import { previewTraffic } from '../../shared/mesh/preview.ts';
import { setWeight, type VersionWeight } from '../../shared/mesh/weights.ts';

const engine = re2Engine();

function service(i: number): [VirtualService, DestinationRule] {
  const host = `svc-${i}`;
  const ns = `team-${i % 50}`;
  const vs: VirtualService = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host, namespace: ns },
    spec: {
      hosts: [host],
      http: [
        {
          name: 'testers',
          match: [{ headers: { 'x-tester': { exact: 'yes' } } }],
          route: [{ destination: { host, subset: 'v2' } }],
        },
        {
          name: 'api',
          match: [{ uri: { regex: '/api/v[0-9]+/.*' } }],
          route: [{ destination: { host, subset: 'v2' } }],
        },
        {
          name: 'default',
          route: [
            { destination: { host, subset: 'v1' }, weight: 90 },
            { destination: { host, subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    },
  };
  const dr: DestinationRule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host, namespace: ns },
    spec: {
      host,
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    },
  };
  return [vs, dr];
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

// Lint: 10,000 VirtualServices with their DestinationRules (target < 1 s).
const objects: KubeObject[] = [];
for (let i = 0; i < 10_000; i++) objects.push(...service(i));
lintObjects(objects.slice(0, 200), { engine }); // warm the regex cache and the JIT
const lint = time(() => lintObjects(objects, { engine }));

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
      lint10kVirtualServicesWithDestinationRulesMs: Math.round(lint.ms),
      lintFindings: lint.value.length,
      lintTargetMs: 1000,
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
