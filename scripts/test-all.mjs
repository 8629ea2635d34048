#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, with one summary at the end.
// typecheck → lint → build → unit → integration → e2e (browser mode in Chromium) → Electron e2e.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { errorsOutsideTests, failedTests, testCounts } from './test-report.mjs';

const results = 'test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const steps = [
  { name: 'typecheck', cmd: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  {
    name: 'typecheck shared (no DOM, no Node)',
    cmd: ['npx', 'tsc', '-p', 'shared/tsconfig.json', '--noEmit'],
  },
  { name: 'lint and format', cmd: ['npx', 'biome', 'ci', '.'] },
  { name: 'build', cmd: ['npm', 'run', 'build'] },
  {
    name: 'unit tests',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--project',
      'unit',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${results}/unit.json`,
    ],
    report: `${results}/unit.json`,
    kind: 'vitest',
  },
  {
    name: 'integration tests',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--project',
      'integration',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${results}/integration.json`,
    ],
    report: `${results}/integration.json`,
    kind: 'vitest',
  },
  {
    name: 'e2e (browser mode, Chromium)',
    cmd: ['npx', 'playwright', 'test', '-c', 'test/e2e/playwright.config.ts'],
    report: `${results}/e2e-report.json`,
    kind: 'playwright',
  },
  {
    name: 'e2e (Electron)',
    cmd: ['npx', 'playwright', 'test', '-c', 'test/e2e-electron/playwright.config.ts'],
    report: `${results}/e2e-electron-report.json`,
    kind: 'playwright',
  },
];

const TAIL_BYTES = 256 * 1024;

/** Runs a step with its output passed through as it comes, keeping the last 256 KB of it. */
function runStep(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['inherit', 'pipe', 'pipe'], env: process.env });
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      keep(c);
    });
    child.stderr.on('data', (c) => {
      process.stderr.write(c);
      keep(c);
    });
    child.on('error', (error) => resolve({ status: null, tail: String(error) }));
    child.on('close', (status) => resolve({ status, tail }));
  });
}

/** The step's JSON report, parsed, or undefined when the step wrote none. */
function report(step) {
  if (!step.report || !existsSync(step.report)) return undefined;
  return JSON.parse(readFileSync(step.report, 'utf8'));
}

const summary = [];
let failedSteps = 0;
for (const step of steps) {
  console.log(`\n━━ ${step.name}: ${step.cmd.join(' ')}`);
  const started = Date.now();
  const run = await runStep(step.cmd);
  const ok = run.status === 0;
  if (!ok) failedSteps++;
  const data = report(step);
  summary.push({
    name: step.name,
    ok,
    seconds: (Date.now() - started) / 1000,
    counts: data && testCounts(step.kind, data),
    failures: [
      ...(data ? failedTests(step.kind, data, process.cwd()) : []),
      // A runner can fail with every test passed (vitest's unhandled errors, a hook outside a
      // test): its own words then name the cause, which the JSON report does not hold.
      ...(!ok && step.kind === 'vitest' && (!data || data.numFailedTests === 0)
        ? errorsOutsideTests(run.tail)
        : []),
    ],
  });
}

console.log('\n━━ summary');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const s of summary) {
  const c = s.counts
    ? ` — ${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.skipped} skipped`
    : '';
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds.toFixed(1)} s)${c}`);
  if (s.counts) for (const k of Object.keys(total)) total[k] += s.counts[k];
  for (const f of s.failures.slice(0, 20)) console.log(`       ✘ ${f.replaceAll('\n', '\n         ')}`);
  if (s.failures.length > 20) console.log(`       … and ${s.failures.length - 20} more`);
}
// Failed steps without a test count (typecheck, lint, build) count as failures too.
const stepFailures = summary.filter((s) => !s.ok && (!s.counts || s.counts.failed === 0)).length;
console.log(
  `\ntests: ${total.passed} passed, ${total.failed + stepFailures} failed, ${total.skipped} skipped`,
);
process.exit(failedSteps === 0 ? 0 : 1);
