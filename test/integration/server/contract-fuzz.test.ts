// Issue 17, item 8: calls generated from every request schema of the contract, and hostile
// mutations of them, against `switchyard web --demo` in its own process, with a fixed seed and a
// time budget. The server answers each with a result or a typed error (or closes that one socket
// with a reason, for what cannot be answered) and is still serving afterwards. The counts are
// printed as JSON (FUZZ_SEED and FUZZ_SECONDS change the seed and the budget).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzContract } from './contract-fuzzer.ts';
import { demoPools } from './demo-pools.ts';
import { startWebProcess, type WebProcess } from './web-process.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 17);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 40);

let web: WebProcess;
beforeAll(async () => {
  web = await startWebProcess();
}, 120_000);
afterAll(() => web?.stop());

describe('the contract under fuzzing', () => {
  it(
    'answers every generated and hostile call with a result or a typed error, and keeps serving',
    async () => {
      const pools = await demoPools(web);
      const report = await fuzzContract(web, { seed: SEED, timeLimitMs: SECONDS * 1000, pools });
      console.log(`contract fuzz: ${JSON.stringify(report)}`);
      expect(report.failure).toBeUndefined();
      // The generators reach past the schema checks: some calls succeed, and errors of several codes.
      expect(report.outcomes.ok ?? 0).toBeGreaterThan(0);
      expect(report.outcomes['invalid-request'] ?? 0).toBeGreaterThan(0);
      expect(report.outcomes['unknown-channel'] ?? 0).toBeGreaterThan(0);
      // A response outside the contract is a bug in main, never an answer to bad input.
      expect(report.outcomes['invalid-response']).toBeUndefined();
      expect(web.alive()).toBe(true);
      const page = await web.connect();
      expect(await page.call('app.info', {})).toMatchObject({ kind: 'result', result: { ok: true } });
      page.close();
    },
    (SECONDS + 90) * 1000,
  );
});
