import { defineConfig } from '@playwright/test';
import { chromiumArgs, debianChromium } from './chromium.ts';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '../../test-results/e2e-report.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      ...(debianChromium ? { executablePath: debianChromium } : {}),
      args: chromiumArgs,
    },
    trace: 'retain-on-failure',
    // A click or a page load that cannot happen fails naming itself, well within a test's time,
    // rather than as "test timeout exceeded" (the only line a CI summary keeps).
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
  },
});
