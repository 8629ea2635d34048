import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createPrometheusSettingsStore,
  PROMETHEUS_SETTINGS_FILE,
} from '../../../main/core/metrics/prometheus-settings-store.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'sy-prom-settings-'));

describe('the Prometheus settings store', () => {
  it('sets a corrupt file aside and answers "not set" instead of blocking the context', async () => {
    const data = dir();
    const corrupt =
      '{"version":1,"contexts":{"demo":{"url":"http://p:9090","auth":{"kind":"bearer","token":s3cret}}}}';
    writeFileSync(join(data, PROMETHEUS_SETTINGS_FILE), corrupt);
    const store = createPrometheusSettingsStore(data, { onProblem: () => {} });
    expect(await store.get('demo')).toBeUndefined();
    const [problem] = await store.problems();
    expect(problem?.reason).toMatch(
      /not valid JSON(?: \(at character \d+\))?: set aside; set Prometheus again$/,
    );
    // The reason is safe to log and show: it holds no setting's value.
    expect(problem?.reason).not.toContain('s3cret');
    expect(readFileSync(join(data, problem?.setAsideAs ?? ''), 'utf8')).toBe(corrupt);
    await store.set('demo', { url: 'http://prometheus:9090', auth: { kind: 'none' } });
    expect(await createPrometheusSettingsStore(data).get('demo')).toEqual({
      url: 'http://prometheus:9090',
      auth: { kind: 'none' },
    });
    expect(readdirSync(data).sort()).toEqual([PROMETHEUS_SETTINGS_FILE, problem?.setAsideAs].sort());
  });
});
