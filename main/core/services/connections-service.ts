import type { Packet } from 'mqtt';
import type { SystemProxyResolver } from '../engine/proxy-tunnel';
import type { ConnectionOptions, MqttMessage, RequestOutput } from '../../../shared/contract';
import { type ConnectionIdentity, endpointIdentity } from '../engine/connection-identity';
import { type ConnectionManager, createConnectionManager } from '../engine/connection-manager';
import type { EventHub } from '../rpc/event-hub';
import type { HistoryService } from './history-service';
import type { ChannelsOf, Service } from './service';

/** What the other services take from the connections, wired by create-core. */
export interface ConnectionHooks {
  /** Before a status is reported: deliver what is buffered, so a UI never sees messages after "disconnected". */
  beforeStatus(): void;
  /** A connection closed for good (disconnected and gone from the list): forget what was kept for it. */
  onGone(connectionId: string): void;
  /** Every message in and out, after History took it. */
  onMessage(message: MqttMessage): void;
  /** Every packet in and out, for the packet inspector. */
  onPacket(connectionId: string, direction: 'in' | 'out', packet: Packet, problem?: string): void;
  /** For profiles whose proxy is 'system' (see proxy-tunnel.ts). */
  systemProxy?: SystemProxyResolver;
}

export interface ConnectionsService extends Service<ChannelsOf<'connections'>> {
  /** The open connections, for the services that subscribe, publish and inspect on them. */
  manager: ConnectionManager;
  /** Every connect goes through here: History learns which connection (across runs) the new id is. */
  open(options: ConnectionOptions, identity: ConnectionIdentity): Promise<RequestOutput<'connections.connect'>>;
}

type HistoryIntake = Pick<HistoryService, 'append' | 'committed' | 'whenRoom' | 'describe' | 'bind'>;

/** The connections to brokers: every message goes to History first, then to the hooks. */
export function createConnectionsService(events: EventHub, history: HistoryIntake, hooks: ConnectionHooks): ConnectionsService {
  const manager: ConnectionManager = createConnectionManager({
    systemProxy: hooks.systemProxy,
    onStatus: (summary) => {
      hooks.beforeStatus();
      if (summary.status === 'disconnected' && !manager.has(summary.connectionId)) hooks.onGone(summary.connectionId);
      events.emit('connections.status', summary);
    },
    onMessage: (message, identity) => {
      const stored = history.append(message, identity);
      hooks.onMessage(message);
      return stored;
    },
    committed: () => history.committed(),
    // While history's queue is crowded, connections stop reading rather than have it drop messages.
    whenRoom: () => history.whenRoom(),
    onPacket: (connectionId, direction, packet, problem) => hooks.onPacket(connectionId, direction, packet, problem),
  });

  async function open(options: ConnectionOptions, identity: ConnectionIdentity) {
    history.describe(identity);
    const opened = await manager.connect(options, identity);
    history.bind(opened.connectionId, identity);
    return opened;
  }

  return {
    manager,
    open,
    handlers: {
      'connections.connect': (input) => open(input, endpointIdentity(input)),
      'connections.disconnect': async ({ connectionId }) => {
        await manager.disconnect(connectionId);
        return {};
      },
      'connections.list': () => manager.list(),
    },
    close: () => manager.closeAll(),
  };
}
