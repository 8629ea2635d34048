import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { MAX_CHOSEN_NAMESPACES, NAMESPACE_NAME, NamespaceMode } from '../../../shared/api/session-schemas.ts';

// Which namespaces each context watches, when the operator chose: a small JSON file in the data
// dir, keyed by context id, written whole to a temporary file and renamed over the old one (the
// pattern of the Prometheus settings), so a crash never leaves half a file.

export const NAMESPACE_SETTINGS_FILE = 'namespace-settings.json';

const StoredSetting = z.object({
  mode: NamespaceMode,
  namespaces: z.array(z.string().regex(NAMESPACE_NAME)).max(MAX_CHOSEN_NAMESPACES),
});
const SettingsFile = z.object({ version: z.literal(1), contexts: z.record(z.string(), StoredSetting) });

export type NamespaceSetting = z.infer<typeof StoredSetting>;

/** What a context without a stored setting watches. */
export const ALL_NAMESPACES: NamespaceSetting = { mode: 'all', namespaces: [] };

export interface NamespaceSettingsStore {
  /** The context's setting; all namespaces when none was stored. */
  get(contextId: string): Promise<NamespaceSetting>;
  set(contextId: string, setting: NamespaceSetting): Promise<void>;
}

export function createNamespaceSettingsStore(dataDir: string): NamespaceSettingsStore {
  const path = join(dataDir, NAMESPACE_SETTINGS_FILE);
  let loaded: Promise<Map<string, NamespaceSetting>> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, NamespaceSetting>> {
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
      throw new Error(`${path} is not JSON: fix or delete it to choose namespaces again`);
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

  async function save(all: Map<string, NamespaceSetting>): Promise<void> {
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
      const found = (await settings()).get(contextId);
      return found ? { mode: found.mode, namespaces: [...found.namespaces] } : { ...ALL_NAMESPACES };
    },
    async set(contextId, setting) {
      const all = await settings();
      const before = all.get(contextId);
      // The default is not written down: a context without an entry watches everything.
      if (setting.mode === 'all' && setting.namespaces.length === 0) all.delete(contextId);
      else all.set(contextId, { mode: setting.mode, namespaces: [...setting.namespaces] });
      // Writes queue behind each other so two quick saves land in order.
      writing = writing.catch(() => {}).then(() => save(all));
      try {
        await writing;
      } catch (err) {
        // What is in memory stays what is on disk.
        if (before) all.set(contextId, before);
        else all.delete(contextId);
        throw err;
      }
    },
  };
}
