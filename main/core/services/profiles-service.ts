import { join } from 'node:path';
import { type CodecSettings, type ConnectionOptions, WorkbenchFailure, connectionOptionsProblems } from '../../../shared/contract';
import { profileIdentity } from '../engine/connection-identity';
import { importProfiles, previewImport } from '../profiles/import-profiles';
import { createProfileStore } from '../profiles/profile-store';
import type { SecretCipher } from '../secrets/secret-cipher';
import type { CodecsService } from './codecs-service';
import type { ConnectionsService } from './connections-service';
import type { ChannelsOf, Service } from './service';

export interface ProfilesServiceOptions {
  /** Where profiles.db and its backups live; without it profiles are kept in memory. */
  dataDir: string | undefined;
  cipher: SecretCipher;
  /** How secrets are protected, as the UI tells the user. */
  secretsProtection: string;
  /** Rolling backups of profiles.db (tests shorten the delay). */
  backups?: { delayMs?: number; keep?: number };
}

/** Saved connection profiles: stored with encrypted secrets, imported, exported, and connected. */
export function createProfilesService(
  { dataDir, cipher, secretsProtection, backups }: ProfilesServiceOptions,
  connections: Pick<ConnectionsService, 'open' | 'manager'>,
  codecs: Pick<CodecsService, 'checkProfileCodecs' | 'profileCodecsProblems' | 'profileChanged'>,
): Service<ChannelsOf<'profiles'>> & {
  connectOnLaunch(wereOpen?: readonly string[]): void;
  /** A profile's codec settings, or undefined when there is no such profile. */
  codecsOf(id: string): CodecSettings | undefined;
  /** Every profile's codec settings, by id. */
  allCodecs(): Record<string, CodecSettings>;
  /**
   * What a saved profile connects with, its stored secrets included, found by id or by name (as
   * `--profile` does on the command line); for the core's own use (checks), never sent to the UI.
   */
  connectOptionsOf(idOrName: string): ConnectionOptions;
} {
  const profiles = createProfileStore(
    dataDir ? join(dataDir, 'profiles.db') : ':memory:',
    cipher,
    dataDir
      ? {
          backupsFolder: join(dataDir, 'backups'),
          ...(backups?.delayMs !== undefined ? { backupDelayMs: backups.delayMs } : {}),
          ...(backups?.keep !== undefined ? { keepBackups: backups.keep } : {}),
        }
      : {},
  );
  if (profiles.recovered) {
    const { reason, movedTo, restoredFrom } = profiles.recovered;
    console.warn(`The profiles database was damaged (${reason}); it was moved to ${movedTo}${restoredFrom ? ` and ${restoredFrom} restored` : ' (no backup to restore)'}`);
  }

  /**
   * A saved profile connects with its stored secrets, then subscribes to its saved subscriptions
   * (those switched on), as MQTTX does: nobody types `#` again at every start. What the broker
   * granted reaches the UI in the connection's status; what failed is returned.
   */
  async function connectProfile(id: string) {
    const profile = profiles.get(id);
    const opened = await connections.open(profiles.optionsForConnect(id), profileIdentity(id, profile.name));
    // Sent together (in order: each SUBSCRIBE goes out as it is called), answered as the broker goes.
    const enabled = profile.subscriptions.filter((s) => s.enabled).map(({ enabled: _on, ...subscription }) => subscription);
    const results = await Promise.allSettled(enabled.map((subscription) => connections.manager.subscribe({ connectionId: opened.connectionId, ...subscription })));
    const subscribeFailures = results.flatMap((result, index) => {
      if (result.status === 'fulfilled') return [];
      const failure = result.reason instanceof WorkbenchFailure ? result.reason : new WorkbenchFailure('SUBSCRIBE_FAILED', String(result.reason), { reason: 'subscribeFailed', filter: enabled[index]!.filter, detail: String(result.reason) });
      return [{ filter: enabled[index]!.filter, error: { code: failure.code, message: failure.message, ...(failure.params ? { params: failure.params } : {}) } }];
    });
    return { connectionId: opened.connectionId, clientId: opened.clientId, sessionPresent: opened.sessionPresent, subscribeFailures };
  }

  return {
    connectOptionsOf(idOrName) {
      const all = profiles.list();
      const profile = all.find((p) => p.id === idOrName) ?? all.find((p) => p.name === idOrName) ?? all.find((p) => p.name.toLowerCase() === idOrName.toLowerCase());
      if (!profile) throw new WorkbenchFailure('NOT_FOUND', `No saved profile is named "${idOrName}"`, { reason: 'noProfileNamed', name: idOrName });
      return profiles.optionsForConnect(profile.id);
    },
    codecsOf: (id) => profiles.codecsOf(id),
    allCodecs: () => Object.fromEntries(profiles.list().map((profile) => [profile.id, profile.codecs ?? { rules: [], schemas: [] }])),
    /**
     * Connects the profiles marked "connect on launch", after those of `wereOpen` (the ones
     * connected when the last run ended, in their order: the UI's tabs follow it) that still exist.
     */
    connectOnLaunch(wereOpen = []) {
      const saved = profiles.list();
      const launching = [...wereOpen.flatMap((id) => saved.filter((p) => p.id === id)), ...saved.filter((p) => p.connectOnLaunch && !wereOpen.includes(p.id))];
      for (const profile of launching) {
        connectProfile(profile.id).catch((error: unknown) => console.warn(`Connect on launch of "${profile.name}" failed: ${(error as Error).message}`));
      }
    },
    handlers: {
      'profiles.list': () => ({ profiles: profiles.list(), secretsProtection, osProtected: cipher.osProtected }),
      'profiles.save': (input) => {
        const passwordStored = Boolean(input.id && profiles.get(input.id).secrets.password && !input.clearSecrets?.includes('password'));
        const problems = connectionOptionsProblems(input.options, { passwordStored });
        if (problems.length > 0) {
          const detail = problems.map((p) => `options.${p.path}: ${p.message}`).join('; ');
          throw new WorkbenchFailure('INVALID_REQUEST', `Invalid profiles.save request: ${detail}`, { reason: 'invalidRequest', channel: 'profiles.save', detail });
        }
        if (input.codecs) codecs.checkProfileCodecs(input.codecs);
        const saved = profiles.save(input);
        codecs.profileChanged(saved.id);
        return saved;
      },
      'profiles.duplicate': ({ id }) => {
        const copy = profiles.duplicate(id);
        codecs.profileChanged(copy.id);
        return copy;
      },
      'profiles.delete': ({ id }) => {
        profiles.delete(id);
        codecs.profileChanged(id);
        return {};
      },
      'profiles.connect': ({ id }) => connectProfile(id),
      'profiles.export': ({ ids }) => ({ json: profiles.exportJson(ids) }),
      'profiles.previewImport': ({ format, content }) => previewImport(profiles, format, content, codecs.profileCodecsProblems),
      'profiles.import': ({ format, content, onSameName, choices }) => {
        const report = importProfiles(profiles, format, content, { onSameName, choices, codecsProblems: codecs.profileCodecsProblems });
        for (const saved of [...report.imported, ...report.updated]) codecs.profileChanged(saved.id);
        return report;
      },
      'profiles.recovery': () => ({ report: profiles.recovered }),
    },
    async close() {
      await profiles.flushBackups();
      profiles.close();
    },
  };
}
