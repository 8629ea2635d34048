// Run: npx tsx test/bench/release-plan.bench.ts — prints JSON.
// Reads 10,000 VirtualServices with their DestinationRules into ServiceReleases, then plans a weight
// change for one service many times (median and p99).
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../shared/mesh/model/index.ts';
import { planRelease, setSplit } from '../../shared/mesh/plan/index.ts';
import { readReleases } from '../../shared/mesh/read/index.ts';
import { shares } from '../helpers/shares.ts';

const SERVICES = 10_000;

function objectsFor(i: number): KubeObject[] {
  const ns = `ns-${i % 200}`;
  const host = `svc-${i}`;
  const dest = (subset: string, weight: number) => ({
    destination: { host, subset, port: { number: 8080 } },
    weight,
  });
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: host, namespace: ns, resourceVersion: String(i + 1) },
      spec: {
        hosts: [host],
        http: [
          {
            name: 'canary-header',
            match: [{ headers: { 'x-canary': { exact: 'true' } } }],
            route: [dest('v2', 100)],
          },
          {
            name: 'default',
            route: [dest('v1', 90), dest('v2', 10)],
            retries: { attempts: 3 },
            timeout: '5s',
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: host, namespace: ns, resourceVersion: String(i + 1) },
      spec: { host, subsets: ['v1', 'v2', 'v3'].map((name) => ({ name, labels: { version: name } })) },
    },
  ];
}

const objects = Array.from({ length: SERVICES }, (_, i) => objectsFor(i)).flat();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

readReleases(objects.slice(0, 200)); // warm up the JIT
// Several rounds: on a shared machine one round can be slowed by other processes.
const readTimes: number[] = [];
let releases = readReleases(objects);
for (let k = 0; k < 5; k++) {
  const readStart = performance.now();
  releases = readReleases(objects);
  readTimes.push(performance.now() - readStart);
}
readTimes.sort((a, b) => a - b);
const readMs = readTimes[Math.floor(readTimes.length / 2)]!;

const one = objectsFor(42);
const release = readReleases(one)[0]!;
const runs = 5_000;
const times: number[] = [];
for (let k = 0; k < runs + 500; k++) {
  const v1 = 50 + (k % 40);
  const t0 = performance.now();
  planRelease(release, setSplit(release, shares({ v1, v2: 100 - v1 })), one);
  const dt = performance.now() - t0;
  if (k >= 500) times.push(dt);
}
times.sort((a, b) => a - b);

const result = {
  readReleases: {
    virtualServices: SERVICES,
    destinationRules: SERVICES,
    releases: releases.length,
    editable: releases.filter((r) => r.editable).length,
    medianMs: Math.round(readMs * 10) / 10,
    bestMs: Math.round(readTimes[0]! * 10) / 10,
    rounds: readTimes.length,
    targetMs: 1000,
  },
  planWeightChange: {
    runs,
    medianMs: Math.round(percentile(times, 50) * 10_000) / 10_000,
    p99Ms: Math.round(percentile(times, 99) * 10_000) / 10_000,
    targetMs: 1,
  },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
