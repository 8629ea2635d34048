import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

// The layering of ARCHITECTURE.md as data: which specifiers each folder may not import.

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isNodeBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || nodeBuiltins.has(spec) || nodeBuiltins.has(spec.split('/')[0] ?? '');
}

const uiPackages = /^(react|react-dom|zustand|echarts|@tanstack\/)/;

const importPattern =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source: string): Array<{ specifier: string; line: number }> {
  const found: Array<{ specifier: string; line: number }> = [];
  for (const match of source.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (!specifier) continue;
    const line = source.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
    found.push({ specifier, line });
  }
  return found;
}

function walk(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

/**
 * What each folder of main/ may not import of the others. The core is given the demo mesh by the
 * entry points (Electron's main, the commands), never imports it; the demo is a cluster of its own
 * and imports nothing of the app; lib/ holds Node helpers every folder may use.
 */
export const MAIN_FOLDER_RULES: Record<string, readonly string[]> = {
  lib: ['core', 'demo', 'server', 'electron', 'commands', 'cli.ts'],
  core: ['demo', 'server', 'electron', 'commands', 'cli.ts'],
  demo: ['core', 'server', 'electron', 'commands', 'cli.ts'],
  server: ['demo', 'electron', 'commands', 'cli.ts'],
  electron: ['server', 'commands', 'cli.ts'],
  commands: ['electron', 'cli.ts'],
};

/**
 * The stages of shared/mesh in the order data flows through them: a stage may import the ones
 * before it, never one after it; code outside a stage imports it only through its index.ts.
 */
export const MESH_STAGES = ['model', 'policy', 'read', 'plan', 'evaluate', 'lint'] as const;

/** The stage of shared/mesh a path (relative to the root) is in, and the file's name inside it. */
function meshStageOf(relPath: string): { stage: string; file: string } | undefined {
  const parts = relPath.split(sep);
  if (parts[0] !== 'shared' || parts[1] !== 'mesh' || parts.length !== 4) return undefined;
  return { stage: parts[2] as string, file: parts[3] as string };
}

/**
 * What each folder of shared/ may import of the others (besides itself), where that is narrower
 * than "anything in shared/": the release plan's decisions read plain weights and window figures,
 * never the contract (which imports them) or a later stage of shared/mesh.
 */
export const SHARED_FOLDER_IMPORTS: Record<string, readonly string[]> = {
  rollout: ['shared/mesh/model', 'shared/metrics'],
  fleet: ['shared/mesh/model'],
};

/** The folder of main/ a path (relative to the root) is in: main/core/x.ts → core; main/cli.ts → cli.ts. */
function mainFolderOf(relPath: string): string | undefined {
  const parts = relPath.split(sep);
  return parts[0] === 'main' && parts.length > 1 ? parts[1] : undefined;
}

/** Checks every source file below root (a repository layout) against the layer rules. */
export function findImportViolations(root: string): Violation[] {
  const violations: Violation[] = [];
  const inside = (file: string, folder: string) => relative(root, file).split(sep)[0] === folder;
  const resolvesInto = (file: string, spec: string, folder: string) =>
    spec.startsWith('.') && relative(root, resolve(dirname(file), spec)).split(sep)[0] === folder;
  const resolvesIntoPath = (file: string, spec: string, path: string) =>
    spec.startsWith('.') && `${relative(root, resolve(dirname(file), spec))}/`.startsWith(`${path}/`);

  for (const file of walk(root)) {
    const rel = relative(root, file);
    const source = readFileSync(file, 'utf8');
    for (const { specifier, line } of importsOf(source)) {
      const add = (rule: string) => violations.push({ file: rel, line, specifier, rule });
      if (inside(file, 'shared')) {
        if (isNodeBuiltin(specifier)) add('shared/ may not import Node built-ins');
        if (specifier === 'electron' || specifier.startsWith('electron/'))
          add('shared/ may not import Electron');
        if (uiPackages.test(specifier)) add('shared/ may not import React or other UI libraries');
        if (resolvesInto(file, specifier, 'main') || resolvesInto(file, specifier, 'renderer'))
          add('shared/ may not import main/ or renderer/');
        const folder = rel.split(sep)[1] ?? '';
        const allowed = SHARED_FOLDER_IMPORTS[folder];
        if (allowed && specifier.startsWith('.') && resolvesInto(file, specifier, 'shared')) {
          const to = relative(root, resolve(dirname(file), specifier))
            .split(sep)
            .join('/');
          const ok = [`shared/${folder}`, ...allowed].some((a) => to.startsWith(`${a}/`));
          if (!ok) add(`shared/${folder} may import only ${allowed.join(' and ')} of shared/`);
        }
      }
      if (inside(file, 'renderer')) {
        if (resolvesInto(file, specifier, 'main')) add('renderer/ may not import main/');
        if (isNodeBuiltin(specifier)) add('renderer/ may not import Node built-ins');
        if (specifier === 'electron') add('renderer/ may not import Electron (use the contract client)');
      }
      if (specifier.startsWith('.')) {
        const source = meshStageOf(rel);
        const target = meshStageOf(relative(root, resolve(dirname(file), specifier)));
        if (target && source?.stage !== target.stage) {
          if (target.file !== 'index.ts')
            add(`shared/mesh/${target.stage} is imported through its index.ts from outside it`);
          const order = (stage: string) => MESH_STAGES.indexOf(stage as (typeof MESH_STAGES)[number]);
          if (source && order(target.stage) > order(source.stage))
            add(`shared/mesh/${source.stage} may not import a later stage (shared/mesh/${target.stage})`);
        }
      }
      const from = mainFolderOf(rel);
      if (from !== undefined && specifier.startsWith('.')) {
        const to = mainFolderOf(relative(root, resolve(dirname(file), specifier)));
        if (to !== undefined && to !== from && MAIN_FOLDER_RULES[from]?.includes(to))
          add(`main/${from} may not import main/${to}`);
      }
      if (inside(file, 'main') && !rel.startsWith(`main${sep}electron${sep}`)) {
        if (specifier === 'electron' || specifier.startsWith('electron/'))
          add('only main/electron may import Electron');
        if (resolvesIntoPath(file, specifier, join('main', 'electron')))
          add('only main/electron may import main/electron');
      }
    }
  }
  return violations;
}
