import { describe, expect, it } from 'vitest';
import { failedTests, firstLine, testCounts } from '../../../scripts/test-report.mjs';

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
});
