// Saved fleets: named sets of kubeconfig contexts, in `fleets.json` in the data folder, written
// with the atomic writer (owner-only) and checked with the contract's schema on load. A file that
// cannot be read is set aside (`fleets.json.corrupt-<time>`) and the list starts empty, so a broken
// file never blocks the app; saves queue behind each other.

import { join } from 'node:path';
import { z } from 'zod';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { FLEET_LIMITS, FleetSaved } from '../../../shared/api/fleet-schemas.ts';
import { lazySchema } from '../../../shared/api/lazy-schema.ts';
import type { AtomicWriteOptions } from '../local-files/atomic-file.ts';
import { ensurePrivateDir, writeFileAtomic } from '../local-files/atomic-file.ts';
import { MiB } from '../local-files/bounded-read.ts';
import { readTextIfExists, setAsideFile } from '../local-files/set-aside.ts';

export const FLEETS_FILE = 'fleets.json';
const FILE_VERSION = 1;

const StoredFleets = lazySchema(() =>
  z.object({ version: z.literal(FILE_VERSION), fleets: z.array(FleetSaved) }),
);

export interface FleetStore {
  list(): Promise<FleetSaved[]>;
  /** Saves or replaces the fleet of that name; answers the list. */
  save(fleet: FleetSaved): Promise<FleetSaved[]>;
  /** Removes it (a clear not-found when there is none); answers the list. */
  remove(name: string): Promise<FleetSaved[]>;
}

export interface FleetStoreOptions {
  onProblem?: (reason: string) => void;
  writeOptions?: AtomicWriteOptions;
}

export function createFleetStore(dataDir: string, options: FleetStoreOptions = {}): FleetStore {
  const path = join(dataDir, FLEETS_FILE);
  let loaded: Promise<FleetSaved[]> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<FleetSaved[]> {
    const text = await readTextIfExists(path, 4 * MiB).catch((err: Error) => {
      options.onProblem?.(`${FLEETS_FILE}: ${err.message}`);
      return '';
    });
    if (text === undefined) return [];
    const parsed = StoredFleets.safeParse(safeJson(text));
    if (parsed.success) return parsed.data.fleets;
    const aside = await setAsideFile(dataDir, FLEETS_FILE, new Date());
    options.onProblem?.(
      `${FLEETS_FILE} could not be read; ${aside.setAsideAs ? `set aside as ${aside.setAsideAs}` : `not moved (${aside.error})`}; the saved fleets start empty`,
    );
    return [];
  }

  const current = () => {
    loaded ??= load();
    return loaded;
  };

  function write(next: FleetSaved[]): Promise<FleetSaved[]> {
    const run = queue.then(async () => {
      await ensurePrivateDir(dataDir, false);
      await writeFileAtomic(
        path,
        `${JSON.stringify({ version: FILE_VERSION, fleets: next }, null, 2)}\n`,
        options.writeOptions,
      );
      loaded = Promise.resolve(next);
      return next;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    list: async () => [...(await current())],
    async save(fleet) {
      const checked = FleetSaved.parse(fleet);
      const dupes = checked.contexts.filter((c, i) => checked.contexts.indexOf(c) !== i);
      if (dupes.length)
        throw new ApiFailure('invalid-request', `fleet '${checked.name}' lists ${dupes.join(', ')} twice`);
      const all = await current();
      const others = all.filter((f) => f.name !== checked.name);
      if (others.length >= FLEET_LIMITS.maxFleets)
        throw new ApiFailure('invalid-request', `at most ${FLEET_LIMITS.maxFleets} fleets can be saved`);
      return write([...others, checked].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    },
    async remove(name) {
      const all = await current();
      if (!all.some((f) => f.name === name)) throw new ApiFailure('not-found', `no saved fleet '${name}'`);
      return write(all.filter((f) => f.name !== name));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
