// Runs hostile probes (hostile-probes.ts) one after another against a running browser-mode server
// for a time budget, with a fixed seed, and tallies what became of each: a result, a typed error
// by code, or a close by code. A probe the server does not answer as it owes is a failure.

import fc from 'fast-check';
import { ResultEnvelope } from '../../../shared/api/contract.ts';
import { ApiErrorCode } from '../../../shared/api/errors.ts';
import type { Probe } from './hostile-probes.ts';
import { probeArbitrary } from './hostile-probes.ts';
import type { Pools } from './schema-arbitrary.ts';
import type { Outcome, PageSocket, WebProcess } from './web-process.ts';

export interface FuzzReport {
  seed: number;
  calls: number;
  seconds: number;
  callsPerSecond: number;
  /** By outcome: `ok`, an error code, or `closed <code>`. */
  outcomes: Record<string, number>;
  /** By probe kind (valid, wrong-type, deep-nesting…). */
  kinds: Record<string, number>;
  distinctErrorCodes: number;
  /** Up to three messages met for each error code, to read what the server said. */
  examples: Record<string, string[]>;
  /** The first probe the server did not answer as it owed, if any. */
  failure?: string;
}

function judge(probe: Probe, outcome: Outcome): { tally: string; wrong?: string; example?: string } {
  if (outcome.kind === 'silent') return { tally: 'silent', wrong: 'no answer and no close within 30 s' };
  if (outcome.kind === 'closed') {
    const tally = `closed ${outcome.code}`;
    if (probe.expect === 'answer')
      return { tally, wrong: `closed (${outcome.code} ${outcome.reason}) instead of answering` };
    if (!probe.expect.includes(outcome.code))
      return { tally, wrong: `closed with ${outcome.code}, expected ${probe.expect}` };
    if (outcome.reason === '') return { tally, wrong: `closed with ${outcome.code} but no reason` };
    return { tally };
  }
  if (probe.expect !== 'answer')
    return { tally: 'answered', wrong: `answered, expected a close with ${probe.expect}` };
  const envelope = ResultEnvelope.safeParse(outcome.result);
  if (!envelope.success)
    return {
      tally: 'malformed',
      wrong: `an answer outside the envelope: ${JSON.stringify(outcome.result).slice(0, 200)}`,
    };
  if (envelope.data.ok) return { tally: 'ok' };
  const { code, message } = envelope.data.error;
  if (!ApiErrorCode.safeParse(code).success) return { tally: code, wrong: `an untyped error code '${code}'` };
  return { tally: code, example: message.slice(0, 300) };
}

export async function fuzzContract(
  web: WebProcess,
  opts: { seed: number; timeLimitMs: number; pools: Pools },
): Promise<FuzzReport> {
  const report: FuzzReport = {
    seed: opts.seed,
    calls: 0,
    seconds: 0,
    callsPerSecond: 0,
    outcomes: {},
    kinds: {},
    distinctErrorCodes: 0,
    examples: {},
  };
  let page: PageSocket = await web.connect();
  const started = performance.now();
  await fc
    .assert(
      fc.asyncProperty(probeArbitrary(opts.pools), async (probe) => {
        if (page.closed) page = await web.connect();
        const id = page.id();
        const outcome = await page.exchange(probe.frame(id), {
          ...(probe.expect === 'answer' ? { id } : {}),
          ...(probe.binary ? { binary: true } : {}),
        });
        const verdict = judge(probe, outcome);
        report.calls++;
        report.outcomes[verdict.tally] = (report.outcomes[verdict.tally] ?? 0) + 1;
        report.kinds[probe.kind] = (report.kinds[probe.kind] ?? 0) + 1;
        const seen = report.examples[verdict.tally] ?? [];
        report.examples[verdict.tally] = seen;
        if (verdict.example && seen.length < 3 && !seen.includes(verdict.example)) seen.push(verdict.example);
        if (verdict.wrong) {
          report.failure = `${probe.kind}: ${verdict.wrong}; frame: ${String(probe.frame(id)).slice(0, 300)}`;
          throw new Error(report.failure);
        }
      }),
      {
        seed: opts.seed,
        numRuns: 1_000_000,
        interruptAfterTimeLimit: opts.timeLimitMs,
        markInterruptAsFailure: false,
        endOnFailure: true,
      },
    )
    .catch((err: unknown) => {
      if (!report.failure) throw err;
    });
  page.close();
  for (const [code, messages] of Object.entries(report.examples))
    if (messages.length === 0) delete report.examples[code];
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  report.callsPerSecond = Math.round((report.calls / report.seconds) * 10) / 10;
  report.distinctErrorCodes = Object.keys(report.outcomes).filter(
    (k) => ApiErrorCode.safeParse(k).success,
  ).length;
  return report;
}
