import { join } from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../../../shared/api/lazy-schema.ts';
import { PrometheusAuthInput } from '../../../shared/api/metrics-schemas.ts';
import type { ContextSettingsOptions, SettingsProblem } from '../local-files/context-settings-file.ts';
import { createContextSettingsFile } from '../local-files/context-settings-file.ts';
import type { PrometheusAuth } from './prometheus-client.ts';

// Where Prometheus is for each context, when the operator sets it by hand: a small JSON file in
// the data dir (see context-settings-file.ts). It can hold a token or password: owner-only.

export const PROMETHEUS_SETTINGS_FILE = 'prometheus-settings.json';

const StoredSetting = lazySchema(() => z.object({ url: z.string().url(), auth: PrometheusAuthInput }));

export interface PrometheusSetting {
  url: string;
  auth: PrometheusAuth;
}

export interface PrometheusSettingsStore {
  get(contextId: string): Promise<PrometheusSetting | undefined>;
  /** Sets (or with undefined, removes) the context's Prometheus. */
  set(contextId: string, setting: PrometheusSetting | undefined): Promise<void>;
  /** Entries or a file that could not be read (set aside; those contexts find Prometheus again). */
  problems(): Promise<SettingsProblem[]>;
}

export function createPrometheusSettingsStore(
  dataDir: string,
  options: ContextSettingsOptions = {},
): PrometheusSettingsStore {
  const file = createContextSettingsFile(
    join(dataDir, PROMETHEUS_SETTINGS_FILE),
    StoredSetting,
    'set Prometheus again',
    // The reason never holds a setting's value (a token): only paths and schema messages.
    { onProblem: (p) => console.warn(`prometheus settings: ${p.reason}`), ...options },
  );
  return {
    get: (contextId) => file.get(contextId) as Promise<PrometheusSetting | undefined>,
    set: (contextId, setting) => file.set(contextId, setting),
    problems: () => file.problems(),
  };
}
