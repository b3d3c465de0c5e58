import { homedir } from 'node:os';
import path from 'node:path';

export interface PlatformInfo {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

const current = (): PlatformInfo => ({ env: process.env, platform: process.platform, home: homedir() });

/**
 * The user's model folder: $EARSHOT_MODELS_DIR, else the OS data folder
 * (Linux ~/.local/share/earshot/models or $XDG_DATA_HOME/earshot/models,
 * macOS ~/Library/Application Support/Earshot/models, Windows %APPDATA%\Earshot\models).
 */
export function defaultModelsDir(info: PlatformInfo = current()): string {
  const { env, platform, home } = info;
  if (env.EARSHOT_MODELS_DIR) return env.EARSHOT_MODELS_DIR;
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Earshot', 'models');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Earshot', 'models');
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME && path.posix.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.posix.join(home, '.local', 'share');
  return path.posix.join(xdg, 'earshot', 'models');
}
