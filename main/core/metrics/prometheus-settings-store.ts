import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PrometheusAuthInput } from '../../../shared/api/metrics-schemas.ts';
import type { PrometheusAuth } from './prometheus-client.ts';

// Where Prometheus is for each context, when the operator sets it by hand: a small JSON file in
// the data dir, written whole to a temporary file and renamed over the old one, so a crash never
// leaves half a file. It can hold a token or password, so it is readable by the owner only.

export const PROMETHEUS_SETTINGS_FILE = 'prometheus-settings.json';

const StoredSetting = z.object({ url: z.string().url(), auth: PrometheusAuthInput });
const SettingsFile = z.object({ version: z.literal(1), contexts: z.record(z.string(), StoredSetting) });

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
  const path = join(dataDir, PROMETHEUS_SETTINGS_FILE);
  let loaded: Promise<Map<string, PrometheusSetting>> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, PrometheusSetting>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${path} is not JSON: fix or delete it to set Prometheus again`);
    }
    const parsed = SettingsFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected content'}`,
      );
    }
    return new Map(Object.entries(parsed.data.contexts));
  }

  async function save(all: Map<string, PrometheusSetting>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    const body = `${JSON.stringify({ version: 1, contexts: Object.fromEntries(all) }, null, 2)}\n`;
    try {
      await writeFile(tmp, body, { mode: 0o600 });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  const settings = () => {
    loaded ??= load().catch((err) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  };

  return {
    async get(contextId) {
      return (await settings()).get(contextId);
    },
    async set(contextId, setting) {
      const all = await settings();
      if (setting) all.set(contextId, setting);
      else all.delete(contextId);
      // Writes queue behind each other so two quick saves land in order.
      writing = writing.catch(() => {}).then(() => save(all));
      await writing;
    },
  };
}
