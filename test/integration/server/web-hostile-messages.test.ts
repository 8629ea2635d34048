// Item 1 of issue 17 against the real thing: `switchyard web --demo` in its own process. Each
// message below used to end that process, or would if nothing caught it; now each closes (or is
// answered on) the socket that sent it, and the process goes on serving a fresh socket.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../../shared/api/limits.ts';
import { type PageSocket, startWebProcess, type WebProcess } from './web-process.ts';

let web: WebProcess;
beforeAll(async () => {
  web = await startWebProcess();
}, 120_000);
afterAll(() => web?.stop());

async function expectStillServing() {
  expect(web.alive()).toBe(true);
  const page = await web.connect();
  expect(await page.call('app.info', {})).toMatchObject({ kind: 'result', result: { ok: true } });
  page.close();
}

async function sendAlone(frame: string | Buffer, binary = false): Promise<PageSocket['closed']> {
  const page = await web.connect();
  const outcome = await page.exchange(frame, { binary });
  expect(outcome.kind).toBe('closed');
  return page.closed;
}

describe('switchyard web under one hostile message', () => {
  it('a 10 MB message closes its socket with 1009 and the limit', async () => {
    const frame = JSON.stringify({
      type: 'call',
      id: 1,
      channel: 'app.info',
      payload: { x: 'y'.repeat(10e6) },
    });
    expect(Buffer.byteLength(frame)).toBeGreaterThan(MAX_FRAME_BYTES);
    expect(await sendAlone(frame)).toEqual({ code: 1009, reason: expect.stringMatching(/over 8 MiB/) });
    await expectStillServing();
  });

  it('a text frame that is not UTF-8 closes its socket with 1007', async () => {
    expect(
      await sendAlone(
        Buffer.from('{"type":"call","id":1,"channel":"app.info","payload":"\xff\xfe"}', 'latin1'),
      ),
    ).toEqual({
      code: 1007,
      reason: 'a text message that is not valid UTF-8',
    });
    await expectStillServing();
  });

  it('a binary frame closes its socket with 1003', async () => {
    expect((await sendAlone(Buffer.from('{"type":"call","id":1}'), true))?.code).toBe(1003);
    await expectStillServing();
  });

  it('a message that is not JSON closes its socket with 4400 and why', async () => {
    expect(await sendAlone('{"type":"call",')).toEqual({
      code: 4400,
      reason: expect.stringMatching(/^malformed frame: not JSON/),
    });
    await expectStillServing();
  });

  it('the largest sample the UI lets through is previewed on the demo mesh, not refused by the socket', async () => {
    const page = await web.connect();
    const services = await waitForServices(page);
    const reviews = services.find((s) => s.name === 'reviews') ?? services[0];
    expect(reviews).toBeDefined();
    const line =
      '{"path":"/","headers":{"x-canary":"true","user-agent":"Mozilla/5.0 (Linux; Android 14) Chrome/120"}}\n';
    // As many requests as the 6 MiB limit holds, fewer than the 50,000 a sample may have.
    const jsonl = line.repeat(40_000);
    const outcome = await page.call(
      'release.preview',
      {
        contextId: 'demo',
        releaseId: reviews?.releaseId,
        desired: { split: [{ version: 'v1', weight: 100 }], rules: [] },
        sample: { jsonl },
      },
      60_000,
    );
    expect(outcome).toMatchObject({
      kind: 'result',
      result: { ok: true, value: { total: 40_000, source: 'jsonl' } },
    });
    page.close();
  });
});

async function waitForServices(page: PageSocket): Promise<Array<{ name: string; releaseId: string }>> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const outcome = await page.call('services.list', { contextId: 'demo' });
    if (outcome.kind === 'result' && outcome.result.ok) {
      const { services } = outcome.result.value as { services: Array<{ name: string; releaseId: string }> };
      if (services.length > 0) return services;
    } else if (outcome.kind === 'result') await page.call('sessions.open', { contextId: 'demo' });
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the demo mesh listed no services within 60 s');
}
