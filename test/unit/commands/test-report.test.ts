import { describe, expect, it } from 'vitest';
import { errorsOutsideTests, failedTests, firstLine, testCounts } from '../../../scripts/test-report.mjs';

const esc = String.fromCharCode(27);

describe("npm test's summary of the runners' reports", () => {
  it('takes the first non-blank line of a message, without colour codes', () => {
    expect(
      firstLine(
        `\n  ${esc}[31mError: expect(locator).toContainText(expected) failed${esc}[39m\n\nLocator: x`,
      ),
    ).toBe('Error: expect(locator).toContainText(expected) failed');
    expect(firstLine(undefined)).toBe('');
    expect(firstLine('x'.repeat(500))).toHaveLength(200);
  });

  it('names each failed Playwright test with its file, line and first error line, nested suites included', () => {
    const report = {
      stats: { expected: 1, unexpected: 1, flaky: 1, skipped: 0 },
      suites: [
        {
          specs: [
            { file: 'a.spec.ts', line: 3, title: 'passes', tests: [{ status: 'expected', results: [] }] },
          ],
          suites: [
            {
              specs: [
                {
                  file: 'b.spec.ts',
                  line: 15,
                  title: 'rolls back at a failing gate',
                  tests: [
                    {
                      status: 'unexpected',
                      results: [{ errors: [{ message: 'Error: timed out\n  at x' }] }],
                    },
                  ],
                },
                {
                  file: 'c.spec.ts',
                  line: 8,
                  title: 'charts',
                  tests: [{ status: 'flaky', results: [{ errors: [] }, { errors: [{ message: 'boom' }] }] }],
                },
              ],
            },
          ],
        },
      ],
      errors: [{ message: 'worker crashed' }],
    };
    expect(failedTests('playwright', report, '/r')).toEqual([
      'b.spec.ts:15 › rolls back at a failing gate: Error: timed out',
      'c.spec.ts:8 › charts: boom',
      '(outside a test): worker crashed',
    ]);
    expect(testCounts('playwright', report)).toEqual({ passed: 1, failed: 2, skipped: 0 });
  });

  it('adds what a failed Playwright test waited for: the interrupted action and its call log', () => {
    const report = {
      suites: [
        {
          specs: [
            {
              file: 'd.spec.ts',
              line: 26,
              title: 'previews a sample',
              tests: [
                {
                  status: 'unexpected',
                  results: [
                    {
                      errors: [
                        { message: 'Test timeout of 120000ms exceeded.' },
                        {
                          message:
                            "Error: locator.click: Test timeout of 120000ms exceeded.\nCall log:\n  - waiting for getByRole('option', { name: 'reviews in bookinfo' })\n  -   locator resolved to <div>\n  - attempting click action\n  -   element is not enabled\n  - retrying click action\n",
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(failedTests('playwright', report, '/r')).toEqual([
      [
        'd.spec.ts:26 › previews a sample: Test timeout of 120000ms exceeded.',
        '    Error: locator.click: Test timeout of 120000ms exceeded.',
        "    - waiting for getByRole('option', { name: 'reviews in bookinfo' })",
        '    …',
        '    - element is not enabled',
        '    - retrying click action',
      ].join('\n'),
    ]);
  });

  it('names each failed vitest test with its path relative to the repository, and a file that failed to load', () => {
    const report = {
      numPassedTests: 4,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [
        {
          name: '/r/test/unit/a.test.ts',
          status: 'failed',
          assertionResults: [
            { status: 'passed', fullName: 'ok' },
            {
              status: 'failed',
              fullName: 'weights › add up',
              failureMessages: ['AssertionError: expected 99 to be 100\n at'],
            },
          ],
        },
        {
          name: '/r/test/unit/b.test.ts',
          status: 'failed',
          message: 'SyntaxError: bad',
          assertionResults: [],
        },
        {
          name: '/r/test/unit/c.test.ts',
          status: 'passed',
          assertionResults: [{ status: 'passed', fullName: 'ok' }],
        },
      ],
    };
    expect(failedTests('vitest', report, '/r')).toEqual([
      'test/unit/a.test.ts › weights › add up: AssertionError: expected 99 to be 100',
      'test/unit/b.test.ts: SyntaxError: bad',
    ]);
    expect(testCounts('vitest', report)).toEqual({ passed: 4, failed: 1, skipped: 2 });
  });

  it("names vitest's unhandled errors, which fail a run whose every test passed, from its printed output", () => {
    // As vitest 4 prints them (colours included), after a test that rejected a promise late.
    const red = (t: string) => `${esc}[31m${t}${esc}[39m`;
    const output = [
      ` ${esc}[32m✓${esc}[39m a.test.mjs (1 test) 23ms`,
      red(`⎯⎯⎯⎯⎯⎯${esc}[1m${esc}[41m Unhandled Errors ${esc}[49m${esc}[22m⎯⎯⎯⎯⎯⎯`),
      red('Vitest caught 1 unhandled error during the test run.'),
      'This might cause false positive tests. Resolve unhandled errors to make sure your tests are not affected.',
      '',
      red(`⎯⎯⎯⎯${esc}[1m${esc}[41m Unhandled Rejection ${esc}[49m${esc}[22m⎯⎯⎯⎯⎯`),
      red(`${esc}[1mError${esc}[22m: socket hang up after the test`),
      `${esc}[36m ${esc}[2m❯${esc}[22m Timeout._onTimeout a.test.mjs:${esc}[2m2:66${esc}[22m${esc}[39m`,
      `    ${esc}[90m  1|${esc}[39m import { it } from 'vitest';`,
      `${esc}[90m ${esc}[2m❯${esc}[22m listOnTimeout node:internal/timers:${esc}[2m581:17${esc}[22m${esc}[39m`,
      red(
        'This error originated in "a.test.mjs" test file. It doesn\'t mean the error was thrown inside the file itself, but while it was running.',
      ),
      red(
        'The latest test that might\'ve caused the error is "passes but leaks". It might mean one of the following:',
      ),
      '- The error was thrown, while Vitest was running this test.',
      ' Test Files  1 passed (1)',
      '      Tests  1 passed (1)',
      '     Errors  1 error',
    ].join('\n');
    expect(errorsOutsideTests(output)).toEqual([
      '(outside a test): ⎯⎯⎯⎯⎯⎯ Unhandled Errors ⎯⎯⎯⎯⎯⎯',
      '(outside a test): ⎯⎯⎯⎯ Unhandled Rejection ⎯⎯⎯⎯⎯',
      '(outside a test): Error: socket hang up after the test',
      '(outside a test): ❯ Timeout._onTimeout a.test.mjs:2:66',
      '(outside a test): This error originated in "a.test.mjs" test file. It doesn\'t mean the error was thrown inside the file itself, but while it was running.',
      '(outside a test): The latest test that might\'ve caused the error is "passes but leaks". It might mean one of the following:',
    ]);
  });

  it('ends an unexplained failed run with its last lines', () => {
    expect(errorsOutsideTests('a\n\nb\nc\nd\ne\n')).toEqual([
      '(runner output): b',
      '(runner output): c',
      '(runner output): d',
      '(runner output): e',
    ]);
  });
});
