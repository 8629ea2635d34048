import type { FSWatcher } from 'node:fs';
import { existsSync, watch as fsWatch, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export type WatchFn = (
  path: string,
  listener: (event: string, filename: string | Buffer | null) => void,
) => FSWatcher;

export interface KubeconfigWatcherDependencies {
  /** The files and folders to follow; asked again each time the watcher re-arms. */
  paths: () => readonly string[];
  onChange: () => void;
  debounceMs?: number;
  watch?: WatchFn;
  exists?: (path: string) => boolean;
  isFolder?: (path: string) => boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface KubeconfigWatcher {
  /** Re-reads `paths()` and watches them (call after each reload: a folder may have appeared). */
  rearm(): void;
  close(): void;
}

function defaultIsFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Follows kubeconfig files with fs.watch and calls onChange once per burst of events. Editors and
 * cloud CLIs replace files by rename, which ends a watch on the file itself, so each file is
 * followed through its folder (filtered by name); a path that does not exist yet is followed
 * through its nearest existing ancestor, so a file that appears later is noticed.
 */
export function createKubeconfigWatcher(deps: KubeconfigWatcherDependencies): KubeconfigWatcher {
  const watch = deps.watch ?? ((p, l) => fsWatch(p, { persistent: false }, l));
  const exists = deps.exists ?? existsSync;
  const isFolder = deps.isFolder ?? defaultIsFolder;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const debounceMs = deps.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  let timer: unknown;
  let closed = false;

  const fire = () => {
    if (closed) return;
    if (timer !== undefined) clearTimer(timer);
    timer = setTimer(() => {
      timer = undefined;
      if (!closed) deps.onChange();
    }, debounceMs);
  };

  /** Folder → the names in it that matter (null: every name matters). */
  function targets(): Map<string, Set<string> | null> {
    const out = new Map<string, Set<string> | null>();
    const want = (folder: string, name: string | null) => {
      const current = out.get(folder);
      if (current === null) return;
      if (name === null) out.set(folder, null);
      else if (current) current.add(name);
      else out.set(folder, new Set([name]));
    };
    for (const path of deps.paths()) {
      if (isFolder(path)) want(path, null);
      let child = path;
      let parent = dirname(path);
      while (!exists(parent) && parent !== dirname(parent)) {
        child = parent;
        parent = dirname(parent);
      }
      want(parent, basename(child));
    }
    return out;
  }

  function rearm() {
    if (closed) return;
    const wanted = targets();
    for (const [folder, w] of watchers) {
      if (!wanted.has(folder)) {
        w.close();
        watchers.delete(folder);
      }
    }
    for (const [folder, names] of wanted) {
      watchers.get(folder)?.close();
      watchers.delete(folder);
      try {
        const w = watch(folder, (_event, filename) => {
          const name = filename === null ? null : filename.toString();
          if (names === null || name === null || names.has(name)) fire();
        });
        w.on('error', () => {
          // The folder went away: forget it; the next reload re-arms on whatever exists then.
          w.close();
          watchers.delete(folder);
          fire();
        });
        watchers.set(folder, w);
      } catch {
        // Not watchable (permissions, vanished between the check and the call): skip it.
      }
    }
  }

  rearm();
  return {
    rearm,
    close() {
      closed = true;
      if (timer !== undefined) clearTimer(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
