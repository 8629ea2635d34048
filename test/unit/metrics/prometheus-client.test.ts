import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrometheusTransport } from '../../../main/core/metrics/prometheus-client.ts';
import {
  createPrometheusClient,
  PrometheusError,
  urlTransport,
} from '../../../main/core/metrics/prometheus-client.ts';
import {
  createPrometheusSettingsStore,
  PROMETHEUS_SETTINGS_FILE,
} from '../../../main/core/metrics/prometheus-settings-store.ts';

const matrix = {
  status: 'success',
  data: { resultType: 'matrix', result: [{ metric: { destination_version: 'v1' }, values: [[100, '2.5']] }] },
};

function scripted(answers: Array<unknown | Error>): PrometheusTransport & { paths: string[] } {
  const paths: string[] = [];
  return {
    description: 'test Prometheus',
    paths,
    async get(path) {
      paths.push(path);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe('the Prometheus client', () => {
  it('sends a range query with seconds and parses the matrix into millisecond points', async () => {
    const t = scripted([matrix]);
    const client = createPrometheusClient({ transport: t });
    const series = await client.range('up', 40_000, 100_000, 5000);
    expect(series).toEqual([{ metric: { destination_version: 'v1' }, points: [[100_000, 2.5]] }]);
    const q = new URLSearchParams(t.paths[0]?.split('?')[1]);
    expect(t.paths[0]).toMatch(/^\/api\/v1\/query_range\?/);
    expect([q.get('query'), q.get('start'), q.get('end'), q.get('step')]).toEqual(['up', '40', '100', '5']);
  });

  it('retries a connection failure with backoff and then answers', async () => {
    const t = scripted([new PrometheusError('unreachable', 'down'), matrix]);
    const waits: number[] = [];
    const client = createPrometheusClient({
      transport: t,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(client.range('up', 0, 10_000, 5000)).resolves.toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(client.queriesSent).toBe(2);
  });

  it('gives up after its retries and does not retry a rejected query', async () => {
    const down = () => new PrometheusError('unreachable', 'still down');
    const client = createPrometheusClient({
      transport: scripted([down(), down(), down()]),
      sleep: async () => {},
    });
    await expect(client.instant('up')).rejects.toThrow('still down');
    expect(client.queriesSent).toBe(3);
    const bad = createPrometheusClient({
      transport: scripted([{ status: 'error', error: 'parse error at char 3' }]),
      sleep: async () => {},
    });
    await expect(bad.instant('up{')).rejects.toThrow(/rejected the query up\{: parse error at char 3/);
    expect(bad.queriesSent).toBe(1);
  });

  it('sends bearer and basic credentials to a configured URL and names a refusal plainly', async () => {
    const seen: Array<string | null> = [];
    const fake = (async (_url: string, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get('authorization'));
      return new Response('unauthorized', { status: 401 });
    }) as typeof fetch;
    await expect(
      urlTransport('http://p:9090/', { kind: 'bearer', token: 'tok' }, fake).get('/x', 1000),
    ).rejects.toThrow(
      'Prometheus at http://p:9090 refused the credentials (401): check the token or user in settings',
    );
    await expect(
      urlTransport('http://p:9090', { kind: 'basic', username: 'u', password: 'p' }, fake).get('/x', 1000),
    ).rejects.toBeInstanceOf(PrometheusError);
    expect(seen).toEqual(['Bearer tok', `Basic ${Buffer.from('u:p').toString('base64')}`]);
  });
});

describe('the per-context Prometheus settings file', () => {
  it('stores, reads back and removes a setting, readable by the owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-prom-settings-'));
    const store = createPrometheusSettingsStore(dir);
    expect(await store.get('kube:prod')).toBeUndefined();
    await store.set('kube:prod', { url: 'https://prom.example.com', auth: { kind: 'bearer', token: 't' } });
    const again = createPrometheusSettingsStore(dir);
    expect(await again.get('kube:prod')).toEqual({
      url: 'https://prom.example.com',
      auth: { kind: 'bearer', token: 't' },
    });
    const path = join(dir, PROMETHEUS_SETTINGS_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await again.set('kube:prod', undefined);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, contexts: {} });
  });

  it('names the file and the field of a broken entry, and falls back to finding Prometheus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-prom-settings-'));
    writeFileSync(
      join(dir, PROMETHEUS_SETTINGS_FILE),
      JSON.stringify({ version: 1, contexts: { a: { url: 'nope' } } }),
    );
    const store = createPrometheusSettingsStore(dir, { onProblem: () => {} });
    expect(await store.get('a')).toBeUndefined();
    expect((await store.problems())[0]?.reason).toMatch(
      new RegExp(`${PROMETHEUS_SETTINGS_FILE}: context 'a': url: `),
    );
  });
});
