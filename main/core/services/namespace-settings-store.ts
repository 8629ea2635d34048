import { join } from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../../../shared/api/lazy-schema.ts';
import { MAX_CHOSEN_NAMESPACES, NAMESPACE_NAME, NamespaceMode } from '../../../shared/api/session-schemas.ts';
import type { ContextSettingsOptions, SettingsProblem } from '../local-files/context-settings-file.ts';
import { createContextSettingsFile } from '../local-files/context-settings-file.ts';

// Which namespaces each context watches, when the operator chose: a small JSON file in the data
// dir, keyed by context id (see context-settings-file.ts).

export const NAMESPACE_SETTINGS_FILE = 'namespace-settings.json';

const StoredSetting = lazySchema(() =>
  z.object({
    mode: NamespaceMode,
    namespaces: z.array(z.string().regex(NAMESPACE_NAME)).max(MAX_CHOSEN_NAMESPACES),
  }),
);

export type NamespaceSetting = z.infer<typeof StoredSetting>;

/** What a context without a stored setting watches. */
export const ALL_NAMESPACES: NamespaceSetting = { mode: 'all', namespaces: [] };

export interface NamespaceSettingsStore {
  /** The context's setting; all namespaces when none was stored. */
  get(contextId: string): Promise<NamespaceSetting>;
  set(contextId: string, setting: NamespaceSetting): Promise<void>;
  /** Entries or a file that could not be read (set aside; those contexts watch everything). */
  problems(): Promise<SettingsProblem[]>;
}

export function createNamespaceSettingsStore(
  dataDir: string,
  options: ContextSettingsOptions = {},
): NamespaceSettingsStore {
  const file = createContextSettingsFile(
    join(dataDir, NAMESPACE_SETTINGS_FILE),
    StoredSetting,
    'choose namespaces again',
    { onProblem: (p) => console.warn(`namespace settings: ${p.reason}`), ...options },
  );
  return {
    async get(contextId) {
      const found = await file.get(contextId);
      return found ? { mode: found.mode, namespaces: [...found.namespaces] } : { ...ALL_NAMESPACES };
    },
    async set(contextId, setting) {
      // The default is not written down: a context without an entry watches everything.
      const all = setting.mode === 'all' && setting.namespaces.length === 0;
      await file.set(
        contextId,
        all ? undefined : { mode: setting.mode, namespaces: [...setting.namespaces] },
      );
    },
    problems: () => file.problems(),
  };
}
