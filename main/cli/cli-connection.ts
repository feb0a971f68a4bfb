/**
 * What every `mqtt-workbench` command that talks to a broker shares: the connection flags (as
 * mosquitto_pub/sub and MQTTX CLI spell them), a saved profile by name with its secrets from the
 * data folder, the codec rules, and one connection made by the app's own engine
 * (engine/connection-manager.ts). This module loads all of it; a command that needs neither the
 * profile store nor the codecs (pub, record with --url) uses cli-connection-options.ts instead.
 */
import type { ConnectionOptions, ConnectionOptionsInput, SavedSubscription } from '../../shared/contract';
import type { CodecEngine } from '../core/codecs/compile-rules';
import { connectionFromFlags } from './cli-connection-options';
import { type ConnectionFlags, dataDirOf } from './cli-flags';
import { globalCodecs, loadProfile } from './cli-profile';

export interface ResolvedConnection {
  options: ConnectionOptions;
  /** The codec rules that read received payloads: the profile's and the global ones. */
  codecs: CodecEngine;
  /** The profile's saved subscriptions (none without a profile). */
  subscriptions: SavedSubscription[];
}

/** The connection options from a profile (if named) with the flags given on top, and the codec rules. */
export function resolveConnection(flags: ConnectionFlags, overrides: Partial<ConnectionOptionsInput> = {}): ResolvedConnection {
  const dataDir = dataDirOf(flags);
  const base = flags.profile ? loadProfile(flags.profile, dataDir) : undefined;
  const codecs = base?.codecs ?? globalCodecs(dataDir);
  return { options: connectionFromFlags(flags, base?.options, overrides), codecs, subscriptions: base?.subscriptions ?? [] };
}

export { type CliSession, openSession } from './cli-connection-options';

// The light half, for the commands that import both from here.
export { CliFailure, EXIT, EXIT_CODES_HELP, type ConnectionFlags, addConnectionFlags, collect, dataDirOf, integerFlag, parseUserProperties } from './cli-flags';
