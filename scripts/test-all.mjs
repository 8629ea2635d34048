#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, with one summary at the end.
// typecheck → lint → build → unit → integration → e2e (browser mode in Chromium) → Electron e2e.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

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

function counts(step) {
  if (!step.report || !existsSync(step.report)) return undefined;
  const data = JSON.parse(readFileSync(step.report, 'utf8'));
  if (step.kind === 'vitest') {
    return {
      passed: data.numPassedTests,
      failed: data.numFailedTests,
      skipped: data.numPendingTests + data.numTodoTests,
    };
  }
  const s = data.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

const summary = [];
let failedSteps = 0;
for (const step of steps) {
  console.log(`\n━━ ${step.name}: ${step.cmd.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env: process.env });
  const ok = run.status === 0;
  if (!ok) failedSteps++;
  summary.push({ name: step.name, ok, seconds: (Date.now() - started) / 1000, counts: counts(step) });
}

console.log('\n━━ summary');
const total = { passed: 0, failed: 0, skipped: 0 };
for (const s of summary) {
  const c = s.counts
    ? ` — ${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.skipped} skipped`
    : '';
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds.toFixed(1)} s)${c}`);
  if (s.counts) for (const k of Object.keys(total)) total[k] += s.counts[k];
}
// Failed steps without a test count (typecheck, lint, build) count as failures too.
const stepFailures = summary.filter((s) => !s.ok && (!s.counts || s.counts.failed === 0)).length;
console.log(
  `\ntests: ${total.passed} passed, ${total.failed + stepFailures} failed, ${total.skipped} skipped`,
);
process.exit(failedSteps === 0 ? 0 : 1);
