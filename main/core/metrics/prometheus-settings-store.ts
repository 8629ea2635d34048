import { join } from 'node:path';
import { z } from 'zod';
import { PrometheusAuthInput } from '../../../shared/api/metrics-schemas.ts';
import { createContextSettingsFile } from '../local-files/context-settings-file.ts';
import type { PrometheusAuth } from './prometheus-client.ts';

// Where Prometheus is for each context, when the operator sets it by hand: a small JSON file in
// the data dir (see context-settings-file.ts). It can hold a token or password: owner-only.

export const PROMETHEUS_SETTINGS_FILE = 'prometheus-settings.json';

const StoredSetting = z.object({ url: z.string().url(), auth: PrometheusAuthInput });

export interface PrometheusSetting {
  url: string;
  auth: PrometheusAuth;
}

export interface PrometheusSettingsStore {
  get(contextId: string): Promise<PrometheusSetting | undefined>;
  /** Sets (or with undefined, removes) the context's Prometheus. */
  set(contextId: string, setting: PrometheusSetting | undefined): Promise<void>;
}

export function createPrometheusSettingsStore(dataDir: string): PrometheusSettingsStore {
  const file = createContextSettingsFile(
    join(dataDir, PROMETHEUS_SETTINGS_FILE),
    StoredSetting,
    'set Prometheus again',
  );
  return {
    get: (contextId) => file.get(contextId) as Promise<PrometheusSetting | undefined>,
    set: (contextId, setting) => file.set(contextId, setting),
  };
}
