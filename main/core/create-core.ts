import { createConnectionManager } from './engine/connection-manager';
import { createMessageBatcher } from './engine/message-batcher';
import { type Dispatcher, createDispatcher } from './rpc/dispatcher';
import { type EventHub, createEventHub } from './rpc/event-hub';

export interface CoreOptions {
  version: string;
  shell: 'electron' | 'browser';
  secretsProtection: string;
}

/** The workbench core: every service behind the contract, independent of any shell. */
export interface WorkbenchCore {
  dispatcher: Dispatcher;
  events: EventHub;
  close(): Promise<void>;
}

export function createWorkbenchCore(options: CoreOptions): WorkbenchCore {
  const events = createEventHub();
  const batcher = createMessageBatcher((messages) => events.emit('messages.batch', { messages }));
  const connections = createConnectionManager({
    onStatus: (summary) => {
      // Deliver buffered messages before a status change, so a UI never sees them after "disconnected".
      batcher.flush();
      events.emit('connections.status', summary);
    },
    onMessage: (message) => batcher.push(message),
  });

  const dispatcher = createDispatcher({
    'app.info': () => ({ version: options.version, shell: options.shell, secretsProtection: options.secretsProtection }),
    'connections.connect': (input) => connections.connect(input),
    'connections.disconnect': async ({ connectionId }) => {
      await connections.disconnect(connectionId);
      return {};
    },
    'connections.list': () => connections.list(),
    'messages.subscribe': ({ connectionId, filter, qos }) => connections.subscribe(connectionId, filter, qos),
    'messages.unsubscribe': async ({ connectionId, filter }) => {
      await connections.unsubscribe(connectionId, filter);
      return {};
    },
    'messages.publish': async ({ connectionId, topic, payload, qos, retain }) => {
      await connections.publish(connectionId, topic, payload, qos, retain);
      return {};
    },
  });

  return {
    dispatcher,
    events,
    async close() {
      await connections.closeAll();
      batcher.flush();
      batcher.dispose();
    },
  };
}
