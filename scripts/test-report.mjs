// Reading the test runners' JSON reports for `npm test`'s summary: how many passed, failed and were
// skipped, and which failed, by name with the first line of the error, since the summary at the end
// of a long log is often all a CI page shows.
import { relative } from 'node:path';

const ESCAPE_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The first non-blank line of a failure message, without colour codes, at most 200 characters. */
export function firstLine(text) {
  const line = String(text ?? '')
    .replace(ESCAPE_CODES, '')
    .split('\n')
    .find((l) => l.trim() !== '');
  return (line ?? '').trim().slice(0, 200);
}

/** Counts from a vitest (`kind` 'vitest') or Playwright JSON report; a flaky test counts as failed. */
export function testCounts(kind, data) {
  if (kind === 'vitest') {
    return {
      passed: data.numPassedTests,
      failed: data.numFailedTests,
      skipped: data.numPendingTests + data.numTodoTests,
    };
  }
  const s = data.stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

/** One line per failed test: `file › test: first error line`; files that failed outside a test too. */
export function failedTests(kind, data, cwd) {
  const out = [];
  if (kind === 'vitest') {
    for (const file of data.testResults ?? []) {
      const name = relative(cwd, file.name);
      const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of failed) out.push(`${name} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
      if (failed.length === 0 && file.status === 'failed') out.push(`${name}: ${firstLine(file.message)}`);
    }
    return out;
  }
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'unexpected' || t.status === 'flaky') {
          const errors = t.results?.find((r) => r.errors?.length)?.errors ?? [];
          const head = `${spec.file}:${spec.line} › ${spec.title}: ${firstLine(errors[0]?.message)}`;
          out.push([head, ...whatItWaitedFor(errors).map((l) => `    ${l}`)].join('\n'));
        }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of data.suites ?? []) walk(suite);
  for (const error of data.errors ?? []) out.push(`(outside a test): ${firstLine(error.message)}`);
  return out;
}

/**
 * What a failed Playwright test was doing, for the summary: the first line of its other errors (a
 * test timeout comes with the action it interrupted) and, from each error's call log, what it waited
 * for and its last two steps. At most 8 lines; none when the errors have no call log.
 */
export function whatItWaitedFor(errors) {
  const out = [];
  for (const [i, error] of errors.slice(0, 3).entries()) {
    const lines = String(error?.message ?? '')
      .replace(ESCAPE_CODES, '')
      .split('\n')
      .map((l) => l.trim());
    const at = lines.indexOf('Call log:');
    const log = at < 0 ? [] : lines.slice(at + 1).filter((l) => l.startsWith('- '));
    if (i > 0 && (log.length > 0 || firstLine(error?.message) !== firstLine(errors[0]?.message)))
      out.push(firstLine(error?.message));
    if (log.length === 0) continue;
    const steps = log.length <= 3 ? log : [log[0], '…', ...log.slice(-2)];
    out.push(...steps.map((l) => l.replace(/\s+/g, ' ').slice(0, 200)));
  }
  return out.slice(0, 8);
}

const BANNERS =
  /(Unhandled Errors|Startup Error|Collect Error|Source Errors|Unhandled Rejection|Unhandled Error)/;
const HEADLINE = /^(\w*(Error|Exception)\b|This error originated|The latest test that might)/;

/**
 * What a vitest run printed about errors outside any test (an unhandled rejection, a worker that
 * timed out, a file that failed to load), from the end of its output: the banners, each error's
 * headline and first stack frame, and the file it was traced to, at most 12 lines; when it printed
 * none, its last 4 non-blank lines, so a failed step never ends unexplained.
 */
export function errorsOutsideTests(output) {
  const lines = String(output ?? '')
    .replace(ESCAPE_CODES, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const start = lines.findIndex((l) => BANNERS.test(l));
  if (start < 0) return lines.slice(-4).map((l) => `(runner output): ${l.slice(0, 200)}`);
  const named = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (BANNERS.test(line) || HEADLINE.test(line)) named.push(line);
    if (/^\w*(Error|Exception)\b/.test(line) && lines[i + 1]?.startsWith('❯')) named.push(lines[i + 1]);
  }
  return named.slice(0, 12).map((l) => `(outside a test): ${l.slice(0, 200)}`);
}
