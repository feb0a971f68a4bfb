import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS's usual place for an app's data, for browser mode (the desktop app asks Electron). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'MQTT Workbench');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'MQTT Workbench');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mqtt-workbench');
}
