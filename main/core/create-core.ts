import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, type InspectedPacket, type LiveMessage, UI_STATE_KEYS, WorkbenchFailure, connectionOptionsProblems } from '../../shared/contract';
import { createBatcher } from './engine/batcher';
import { type ConnectionIdentity, endpointIdentity, profileIdentity } from './engine/connection-identity';
import { createConnectionManager } from './engine/connection-manager';
import { createLivePayloadSearch } from './engine/live-payload-search';
import { createLivePayloads } from './engine/live-payloads';
import { inspectPacket } from './engine/packet-inspector';
import { type Downloads, createDownloads } from './downloads/downloads';
import { createHistoryFeature } from './services/history-service';
import { createBrokerService } from './services/broker-service';
import { createReplayService } from './services/replay-service';
import { createUiStateService } from './services/ui-state-service';
import { createPacketLog } from './engine/packet-log';
import { createRepeatPublisher } from './engine/repeat-publisher';
import { importProfiles, previewImport } from './profiles/import-profiles';
import { createProfileStore } from './profiles/profile-store';
import { type Dispatcher, createDispatcher } from './rpc/dispatcher';
import { type EventHub, createEventHub } from './rpc/event-hub';
import { createEphemeralCipher, createKeyFileCipher } from './secrets/key-file-cipher';
import type { SecretCipher } from './secrets/secret-cipher';

export interface CoreOptions {
  version: string;
  shell: 'electron' | 'browser';
  /** Where profiles (and later history) live; without it everything is kept in memory. */
  dataDir?: string;
  /** How secrets are encrypted: safeStorage in the desktop app; a key file in browser mode by default. */
  secretCipher?: SecretCipher;
  /** Overrides the cipher's own description of the protection in force. */
  secretsProtection?: string;
  /** Rolling backups of profiles.db (tests shorten the delay). */
  profileBackups?: { delayMs?: number; keep?: number };
  /**
   * Connects the profiles marked "connect on launch", and those connected when the last run ended
   * unless the user switched that off (the apps do; tests choose).
   */
  connectOnLaunch?: boolean;
}

/** The workbench core: every service behind the contract, independent of any shell. */
export interface WorkbenchCore {
  dispatcher: Dispatcher;
  events: EventHub;
  /** Single-use download ids minted by history.download and messages.downloadPayload; the host and the desktop shell take them. */
  downloads: Downloads;
  close(): Promise<void>;
}

export function createWorkbenchCore(options: CoreOptions): WorkbenchCore {
  const events = createEventHub();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const cipher =
    options.secretCipher ?? (options.dataDir ? createKeyFileCipher(join(options.dataDir, 'secrets.key')) : createEphemeralCipher());
  const secretsProtection = options.secretsProtection ?? cipher.description;
  const profiles = createProfileStore(
    options.dataDir ? join(options.dataDir, 'profiles.db') : ':memory:',
    cipher,
    options.dataDir
      ? {
          backupsFolder: join(options.dataDir, 'backups'),
          ...(options.profileBackups?.delayMs !== undefined ? { backupDelayMs: options.profileBackups.delayMs } : {}),
          ...(options.profileBackups?.keep !== undefined ? { keepBackups: options.profileBackups.keep } : {}),
        }
      : {},
  );
  if (profiles.recovered) {
    const { reason, movedTo, restoredFrom } = profiles.recovered;
    console.warn(`The profiles database was damaged (${reason}); it was moved to ${movedTo}${restoredFrom ? ` and ${restoredFrom} restored` : ' (no backup to restore)'}`);
  }
  const downloads = createDownloads();
  const history = createHistoryFeature(options.dataDir, events, downloads);
  const embeddedBroker = createBrokerService(events);
  const livePayloads = createLivePayloads();
  const livePayloadSearch = createLivePayloadSearch(livePayloads);
  const messages = createBatcher<LiveMessage>((batch) => events.emit('messages.batch', { messages: batch }));
  const packets = createBatcher<InspectedPacket>((batch) => events.emit('inspector.packets', { packets: batch }));
  /** The latest packets of every connection, kept cheaply so the inspector can show CONNECT/CONNACK. */
  const packetLogs = new Map<string, ReturnType<typeof createPacketLog>>();
  /** Connections whose packets are being streamed to the inspector, with their protocol version. */
  const inspected = new Map<string, number>();

  const uiState = createUiStateService(options.dataDir);
  /** Set once shutdown starts: the connections it closes were open when the run ended. */
  let closing = false;
  /**
   * Which saved profiles are connected (or reconnecting) now, kept in the data folder as the run
   * goes, so a crash or a kill leaves it right too; the next launch reconnects them. A connection
   * typed in is not kept: its secrets are stored nowhere.
   */
  const rememberOpenProfiles = () => {
    if (closing) return;
    const ids = connections
      .list()
      .filter((summary) => summary.status !== 'disconnected' && summary.connectionKey.startsWith('profile:'))
      .map((summary) => summary.connectionKey.slice('profile:'.length));
    uiState.set(UI_STATE_KEYS.openProfiles, ids.length > 0 ? JSON.stringify([...new Set(ids)]) : null);
  };

  const connections = createConnectionManager({
    onStatus: (summary) => {
      // Deliver buffered messages before a status change, so a UI never sees them after "disconnected".
      messages.flush();
      packets.flush();
      if (summary.status === 'disconnected' && !connections.has(summary.connectionId)) {
        repeats.stopForConnection(summary.connectionId, 'The connection was closed');
        replays.stopForConnection(summary.connectionId, 'The connection was closed');
        inspected.delete(summary.connectionId);
        packetLogs.delete(summary.connectionId);
        livePayloads.forget(summary.connectionId);
      }
      events.emit('connections.status', summary);
      rememberOpenProfiles();
    },
    onMessage: (message, identity) => {
      const stored = history.append(message, identity);
      messages.push(livePayloads.toLive(message));
      return stored;
    },
    committed: () => history.committed(),
    // While history's queue is crowded, connections stop reading rather than have it drop messages.
    whenRoom: () => history.whenRoom(),
    onPacket: (connectionId, direction, packet, problem) => {
      let log = packetLogs.get(connectionId);
      if (!log) packetLogs.set(connectionId, (log = createPacketLog()));
      const entry = log.add(direction, packet, problem);
      const protocolVersion = inspected.get(connectionId);
      if (protocolVersion !== undefined) packets.push(inspectPacket(connectionId, entry, protocolVersion));
    },
  });

  /** Every connect goes through here: history learns which connection (across runs) the new id is. */
  async function openConnection(options: ConnectionOptions, identity: ConnectionIdentity) {
    history.describe(identity);
    const opened = await connections.connect(options, identity);
    history.bind(opened.connectionId, identity);
    return opened;
  }

  const repeats = createRepeatPublisher(
    (input) => connections.publish(input),
    (status) => events.emit('messages.repeatStatus', status),
  );

  // Replays read History through its own handlers, as any other caller of the contract would.
  const replays = createReplayService({
    readPage: async (query, cursor, limit) => history.handlers['history.query']({ query, cursor, limit, order: 'asc' }),
    count: async (query) => (await history.handlers['history.count']({ query, upTo: 10_000_000 })).count,
    publish: (input) => connections.publish(input),
    isOpen: (connectionId) => connections.has(connectionId),
    onProgress: (progress) => events.emit('history.replayProgress', progress),
  });

  /**
   * A saved profile connects with its stored secrets, then subscribes to its saved subscriptions
   * (those switched on), as MQTTX does: nobody types `#` again at every start. What the broker
   * granted reaches the UI in the connection's status; what failed is returned.
   */
  async function connectProfile(id: string) {
    const profile = profiles.get(id);
    const opened = await openConnection(profiles.optionsForConnect(id), profileIdentity(id, profile.name));
    // Sent together (in order: each SUBSCRIBE goes out as it is called), answered as the broker goes.
    const enabled = profile.subscriptions.filter((s) => s.enabled).map(({ enabled: _on, ...subscription }) => subscription);
    const results = await Promise.allSettled(enabled.map((subscription) => connections.subscribe({ connectionId: opened.connectionId, ...subscription })));
    const subscribeFailures = results.flatMap((result, index) => {
      if (result.status === 'fulfilled') return [];
      const failure = result.reason instanceof WorkbenchFailure ? result.reason : new WorkbenchFailure('SUBSCRIBE_FAILED', String(result.reason));
      return [{ filter: enabled[index]!.filter, error: { code: failure.code, message: failure.message } }];
    });
    return { connectionId: opened.connectionId, clientId: opened.clientId, sessionPresent: opened.sessionPresent, subscribeFailures };
  }

  if (options.connectOnLaunch) {
    const saved = profiles.list();
    const reconnect = uiState.get(UI_STATE_KEYS.reconnectOnLaunch) !== 'off';
    const wereOpen = reconnect ? parseIds(uiState.get(UI_STATE_KEYS.openProfiles)) : [];
    // The ones open at the end of the last run first, in their order (the UI's tabs follow it).
    const launching = [...wereOpen.flatMap((id) => saved.filter((p) => p.id === id)), ...saved.filter((p) => p.connectOnLaunch && !wereOpen.includes(p.id))];
    for (const profile of launching) {
      connectProfile(profile.id).catch((error: unknown) => console.warn(`Connect on launch of "${profile.name}" failed: ${(error as Error).message}`));
    }
  }

  const dispatcher = createDispatcher({
    'app.info': () => ({ version: options.version, shell: options.shell, secretsProtection }),
    ...uiState.handlers,
    'connections.connect': (input) => openConnection(input, endpointIdentity(input)),
    'connections.disconnect': async ({ connectionId }) => {
      await connections.disconnect(connectionId);
      return {};
    },
    'connections.list': () => connections.list(),
    'messages.subscribe': (input) => connections.subscribe(input),
    'messages.unsubscribe': async ({ connectionId, filter }) => {
      await connections.unsubscribe(connectionId, filter);
      return {};
    },
    'messages.publish': async (input) => {
      await connections.publish(input);
      return {};
    },
    'messages.request': (input) => connections.request(input),
    'messages.startRepeat': (input) => {
      if (!connections.has(input.message.connectionId)) {
        throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${input.message.connectionId}`);
      }
      return repeats.start(input);
    },
    'messages.stopRepeat': ({ repeatId }) => repeats.stop(repeatId),
    'messages.payload': ({ connectionId, id }) => ({ payload: livePayloads.fullPayload(connectionId, id) }),
    'messages.downloadPayload': ({ connectionId, id, fileName }) => {
      const payload = livePayloads.fullPayload(connectionId, id);
      return { downloadId: downloads.mintBytes(payload, fileName), fileName, bytes: payload.byteLength };
    },
    'messages.searchPayloads': (input) => livePayloadSearch.search(input),
    'inspector.setEnabled': ({ connectionId, enabled }) => {
      const summary = connections.list().find((c) => c.connectionId === connectionId);
      if (!summary) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`);
      if (enabled && !inspected.has(connectionId)) {
        inspected.set(connectionId, summary.protocolVersion);
        // Replay what was logged before the inspector opened (CONNECT, CONNACK, SUBSCRIBE...).
        for (const entry of packetLogs.get(connectionId)?.entries() ?? []) {
          packets.push(inspectPacket(connectionId, entry, summary.protocolVersion));
        }
      } else if (!enabled) inspected.delete(connectionId);
      return {};
    },
    'profiles.list': () => ({ profiles: profiles.list(), secretsProtection, osProtected: cipher.osProtected }),
    'profiles.save': (input) => {
      const passwordStored = Boolean(input.id && profiles.get(input.id).secrets.password && !input.clearSecrets?.includes('password'));
      const problems = connectionOptionsProblems(input.options, { passwordStored });
      if (problems.length > 0) {
        throw new WorkbenchFailure('INVALID_REQUEST', `Invalid profiles.save request: ${problems.map((p) => `options.${p.path}: ${p.message}`).join('; ')}`);
      }
      return profiles.save(input);
    },
    'profiles.duplicate': ({ id }) => profiles.duplicate(id),
    'profiles.delete': ({ id }) => {
      profiles.delete(id);
      return {};
    },
    'profiles.connect': ({ id }) => connectProfile(id),
    'profiles.export': ({ ids }) => ({ json: profiles.exportJson(ids) }),
    'profiles.previewImport': ({ format, content }) => previewImport(profiles, format, content),
    'profiles.import': ({ format, content, onSameName, choices }) => importProfiles(profiles, format, content, { onSameName, choices }),
    'profiles.recovery': () => ({ report: profiles.recovered }),
    ...history.handlers,
    'history.replay': (input) => replays.start(input),
    'history.stopReplay': ({ replayId }) => replays.stop(replayId),
    ...embeddedBroker.handlers,
  });

  return {
    dispatcher,
    events,
    downloads,
    async close() {
      closing = true;
      repeats.stopAll();
      replays.stopAll();
      await connections.closeAll();
      await Promise.all([history.close(), embeddedBroker.close(), downloads.close()]);
      messages.flush();
      packets.flush();
      messages.dispose();
      packets.dispose();
      await profiles.flushBackups();
      profiles.close();
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
