import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type SecretsProtectionInfo, UI_STATE_KEYS, type WindowTarget } from '../../shared/contract';
import { type Downloads, createDownloads } from './downloads/downloads';
import { type Dispatcher, createDispatcher } from './rpc/dispatcher';
import { type EventHub, createEventHub } from './rpc/event-hub';
import { describeSecretsProtection } from './secrets/describe-protection';
import { createEphemeralCipher, createKeyFileCipher } from './secrets/key-file-cipher';
import type { SecretCipher } from './secrets/secret-cipher';
import { createAppService } from './services/app-service';
import { createAutomationService } from './services/automation-service';
import { createBrokerService } from './services/broker-service';
import { createCodecsService } from './services/codecs-service';
import { createCollectionsService } from './services/collections-service';
import type { SequenceTimer } from './collections/sequence-runner';
import { createConnectionsService } from './services/connections-service';
import type { SystemProxyResolver } from './engine/proxy-tunnel';
import { createChecksService } from './services/checks-service';
import { createHistoryService } from './services/history-service';
import { createInspectorService } from './services/inspector-service';
import { createMessagesService } from './services/messages-service';
import { createProfilesService } from './services/profiles-service';
import { createReplayService } from './services/replay-service';
import { createScenariosService } from './services/scenarios-service';
import { type UpdatesProvider, createUpdatesService } from './services/updates-service';

export interface CoreOptions {
  version: string;
  shell: 'electron' | 'browser';
  /** Where profiles (and later history) live; without it everything is kept in memory. */
  dataDir?: string;
  /** How secrets are encrypted: safeStorage in the desktop app; a key file in browser mode by default. */
  secretCipher?: SecretCipher;
  /** Overrides the cipher's own account of the protection in force (the desktop shell's key-file fallback says why). */
  secretsProtectionInfo?: SecretsProtectionInfo;
  /** Overrides the English wording of it (tests; otherwise describeSecretsProtection of the above). */
  secretsProtection?: string;
  /** Rolling backups of profiles.db (tests shorten the delay). */
  profileBackups?: { delayMs?: number; keep?: number };
  /**
   * Connects the profiles marked "connect on launch", and those connected when the last run ended
   * unless the user switched that off (the apps do; tests choose).
   */
  connectOnLaunch?: boolean;
  /** The live codec decoder's clocks (tests move them instead of waiting). */
  codecClock?: { now?: () => number; elapsed?: () => number };
  /** The clock of saved-message sequences' delays and their {{now}} (tests move it by hand). */
  collectionsTimer?: SequenceTimer;
  /** The system's proxy for profiles set to 'system' (the desktop shell's); HTTPS_PROXY / ALL_PROXY without it. */
  systemProxy?: SystemProxyResolver;
  /** The desktop shell's updater; without it (browser mode) the updates domain answers DESKTOP_ONLY. */
  updates?: UpdatesProvider;
  /** The desktop shell's windows (app.openWindow); without it the page opens a browser tab itself. */
  openWindow?: (target: WindowTarget) => void;
  /** Told the UI state at start and after each change the page makes (the desktop shell's menu language). */
  onUiStateChanged?: (entries: Readonly<Record<string, string>>) => void;
}

/** The workbench core: every service behind the contract, independent of any shell. */
export interface WorkbenchCore {
  dispatcher: Dispatcher;
  events: EventHub;
  /** Single-use download ids minted by history.download and messages.downloadPayload; the host and the desktop shell take them. */
  downloads: Downloads;
  close(): Promise<void>;
}

/**
 * The composition root: one service per contract domain (main/core/services/), wired together here
 * and nothing else. Each returns `{ handlers, close }`; the dispatcher needs every channel's handler.
 */
export function createWorkbenchCore(options: CoreOptions): WorkbenchCore {
  const { dataDir } = options;
  const events = createEventHub();
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const cipher = options.secretCipher ?? (dataDir ? createKeyFileCipher(join(dataDir, 'secrets.key')) : createEphemeralCipher());
  const secretsProtectionInfo = options.secretsProtectionInfo ?? cipher.protection;
  const secretsProtection = options.secretsProtection ?? (options.secretsProtectionInfo ? describeSecretsProtection(options.secretsProtectionInfo) : cipher.description);
  const downloads = createDownloads();

  // Text searches read the topics a codec rule covers in their decoded text.
  const history = createHistoryService({ dataDir, events, downloads, codecScopes: () => codecs.scopes(), cipher });
  const broker = createBrokerService(events);
  // The connections feed the services created after them; their hooks only run once a connection opens.
  const connections = createConnectionsService(events, history, {
    systemProxy: options.systemProxy,
    beforeStatus() {
      messages.flush();
      inspector.flush();
    },
    onGone(connectionId) {
      messages.forget(connectionId);
      replays.stopForConnection(connectionId, 'The connection was closed');
      inspector.forget(connectionId);
      collections.forget(connectionId);
    },
    onMessage: (message) => {
      messages.push(message);
      automation.offer(message);
    },
    onPacket: (connectionId, direction, packet, problem) => inspector.record(connectionId, direction, packet, problem),
  });
  // Codec rules read the profiles' settings and the live payloads through these hooks, once those services exist.
  const codecs = createCodecsService({
    dataDir,
    events,
    ...(options.codecClock ? { live: options.codecClock } : {}),
    profileCodecs: (profileId) => profiles.codecsOf(profileId),
    allProfileCodecs: () => profiles.allCodecs(),
    connectionKeyOf: (connectionId) => connections.manager.list().find((summary) => summary.connectionId === connectionId)?.connectionKey,
    livePayload: (connectionId, id) => messages.payloads.held(connectionId, id),
    fullLivePayload: (connectionId, id) => messages.payloads.fullPayload(connectionId, id),
  });
  const messages = createMessagesService(events, connections.manager, downloads, codecs.live);
  const inspector = createInspectorService(events, connections.manager);
  const automation = createAutomationService({ dataDir, events, manager: connections.manager });
  // Replays read History through its own handlers, as any other caller of the contract would.
  const replays = createReplayService({
    readPage: async (query, cursor, limit) => history.handlers['history.query']({ query, cursor, limit, order: 'asc' }),
    count: async (query) => (await history.handlers['history.count']({ query, upTo: 10_000_000 })).count,
    publish: (input) => connections.manager.publish(input),
    isOpen: (connectionId) => connections.manager.has(connectionId),
    onProgress: (progress) => events.emit('history.replayProgress', progress),
  });
  const collections = createCollectionsService({
    dataDir,
    events,
    publish: (input) => connections.manager.publish(input),
    connectionKeyOf: (connectionId) => connections.manager.list().find((summary) => summary.connectionId === connectionId)?.connectionKey,
    ...(options.collectionsTimer ? { timer: options.collectionsTimer } : {}),
  });
  const profiles = createProfilesService({ dataDir, cipher, secretsProtection, secretsProtectionInfo, ...(options.profileBackups ? { backups: options.profileBackups } : {}) }, connections, codecs);
  const scenarios = createScenariosService({
    events,
    profileOptions: (profileId) => profiles.connectOptionsOf(profileId),
    async embeddedBroker() {
      const status = await broker.handlers['broker.status']({});
      return status.running && status.host !== undefined && status.tcpPort !== undefined ? { host: status.host, port: status.tcpPort, authRequired: Boolean(status.authRequired) } : undefined;
    },
  });
  // The broker check and scripted checks open connections of their own, with saved profiles' secrets.
  const checks = createChecksService({ connectOptionsOf: (idOrName) => profiles.connectOptionsOf(idOrName) });
  const app = createAppService({ version: options.version, shell: options.shell, secretsProtection, secretsProtectionInfo, dataDir, openWindow: options.openWindow, onUiStateChanged: options.onUiStateChanged });
  const updates = createUpdatesService(options.updates, (state) => events.emit('updates.state', state));
  if (options.connectOnLaunch) profiles.connectOnLaunch(app.get(UI_STATE_KEYS.reconnectOnLaunch) !== 'off' ? parseIds(app.get(UI_STATE_KEYS.openProfiles)) : []);

  /** Set once shutdown starts: the connections it closes were open when the run ended. */
  let closing = false;
  /**
   * Which saved profiles are connected (or reconnecting) now, kept in the data folder as the run
   * goes, so a crash or a kill leaves it right too; the next launch reconnects them. A connection
   * typed in is not kept: its secrets are stored nowhere.
   */
  const stopRemembering = events.subscribe((channel) => {
    if (channel !== 'connections.status' || closing) return;
    const ids = connections.manager
      .list()
      .filter((summary) => summary.status !== 'disconnected' && summary.connectionKey.startsWith('profile:'))
      .map((summary) => summary.connectionKey.slice('profile:'.length));
    app.set(UI_STATE_KEYS.openProfiles, ids.length > 0 ? JSON.stringify([...new Set(ids)]) : null);
  });

  const dispatcher = createDispatcher({
    ...app.handlers,
    ...connections.handlers,
    ...messages.handlers,
    ...inspector.handlers,
    ...profiles.handlers,
    // A deleted profile's saved messages stay, as shared collections.
    'profiles.delete': async (input) => {
      const result = await profiles.handlers['profiles.delete'](input);
      collections.profileDeleted(input.id);
      return result;
    },
    ...history.handlers,
    ...replays.handlers,
    ...broker.handlers,
    ...codecs.handlers,
    ...collections.handlers,
    ...scenarios.handlers,
    ...checks.handlers,
    ...automation.handlers,
    ...updates.handlers,
  });

  return {
    dispatcher,
    events,
    downloads,
    async close() {
      closing = true;
      stopRemembering();
      // What publishes on connections stops first, then the connections, then what they fed.
      messages.stopRepeats();
      await automation.close();
      await Promise.all([replays.close(), scenarios.close(), collections.close()]);
      await connections.close();
      await Promise.all([history.close(), broker.close(), downloads.close()]);
      await Promise.all([messages.close(), inspector.close(), app.close(), codecs.close(), checks.close(), updates.close()]);
      await profiles.close();
    },
  };
}

/** A JSON array of strings, or nothing (a missing or edited entry). */
function parseIds(text: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
