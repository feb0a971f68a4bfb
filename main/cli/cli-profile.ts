/**
 * A saved profile for a command: its options with the secrets decrypted by the data folder's key
 * file, its saved subscriptions and its codec rules (with the global ones). Loaded only by the
 * commands, and with the options, that need it (cli-connection-options.ts): the profile store
 * opens SQLite, and the codec rules bring Protobuf, Avro and the script sandbox.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions, SavedSubscription } from '../../shared/contract';
import { type CodecEngine, compileCodecRules } from '../core/codecs/compile-rules';
import { loadCodecSettingsFile } from '../core/codecs/codec-settings-file';
import { createProfileStore } from '../core/profiles/profile-store';
import { createKeyFileCipher } from '../core/secrets/key-file-cipher';
import { CliFailure, EXIT } from './cli-flags';

export interface LoadedProfile {
  options: ConnectionOptions;
  codecs: CodecEngine;
  subscriptions: SavedSubscription[];
}

/** A saved profile by id or name (then case-insensitively); a usage error names those saved. */
export function loadProfile(name: string, dataDir: string): LoadedProfile {
  if (!existsSync(join(dataDir, 'profiles.db'))) throw new CliFailure(`No saved profiles in ${dataDir} (--data-dir or WORKBENCH_DATA_DIR names another folder)`, EXIT.usage);
  const store = createProfileStore(join(dataDir, 'profiles.db'), createKeyFileCipher(join(dataDir, 'secrets.key')));
  try {
    const profiles = store.list();
    const profile = profiles.find((p) => p.id === name) ?? profiles.find((p) => p.name === name) ?? profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!profile) {
      throw new CliFailure(`No profile named "${name}" in ${dataDir}; saved: ${profiles.map((p) => p.name).join(', ') || 'none'}`, EXIT.usage);
    }
    let options: ConnectionOptions;
    try {
      options = store.optionsForConnect(profile.id);
    } catch (error) {
      // The desktop app encrypts with the OS keychain, which this command cannot open.
      throw new CliFailure(`The secrets of "${profile.name}" could not be read here (${(error as Error).message})`, EXIT.usage);
    }
    const codecs = compileCodecRules({ profile: store.codecsOf(profile.id), global: loadCodecSettingsFile(join(dataDir, 'codecs.json')) });
    return { options, codecs, subscriptions: profile.subscriptions };
  } finally {
    store.close();
  }
}

/** The global codec rules (codecs.json in the data folder), for a command that decodes without a profile. */
export function globalCodecs(dataDir: string): CodecEngine {
  return compileCodecRules({ global: loadCodecSettingsFile(join(dataDir, 'codecs.json')) });
}
