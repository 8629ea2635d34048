import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Switchyard keeps its own files (history, drafts, window bounds) outside Electron, which has
 * app.getPath('userData'). SWITCHYARD_DATA_DIR wins, so tests and several instances stay apart.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv,
  platform = process.platform,
  home = homedir(),
): string {
  if (env.SWITCHYARD_DATA_DIR) return env.SWITCHYARD_DATA_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Switchyard');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Switchyard');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'switchyard');
}
