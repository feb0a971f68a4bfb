import { join } from 'node:path';
import { type CollectionsState, type ExpandedMessage, type RequestParsed, type VariableSet, WorkbenchFailure, profileIdOfKey } from '../../../shared/contract';
import { expandTemplate, mergeVariables } from '../../../shared/templates/message-template';
import { type CollectionsStore, createCollectionsStore } from '../collections/collections-store';
import { type SequenceRunner, type SequenceTimer, createSequenceRunner } from '../collections/sequence-runner';
import type { EventHub } from '../rpc/event-hub';
import type { ChannelsOf, Service } from './service';

export interface CollectionsServiceOptions {
  /** Where collections.json lives; without it the collections live in memory for this run. */
  dataDir: string | undefined;
  events: EventHub;
  /** Publishes on an open connection (the engine's publish, as messages.publish does). */
  publish(input: RequestParsed<'messages.publish'>): Promise<void>;
  /** An open connection's key (`profile:<id>` for a saved profile); undefined when there is none. */
  connectionKeyOf(connectionId: string): string | undefined;
  /** The clock of sequences' delays and of `{{now}}` (tests move it by hand). */
  timer?: SequenceTimer;
}

export interface CollectionsService extends Service<ChannelsOf<'collections'>> {
  /** A connection went away: its sequences stop. */
  forget(connectionId: string): void;
  /** A saved profile was deleted: its collections become shared. */
  profileDeleted(profileId: string): void;
  store: CollectionsStore;
}

/**
 * The collections domain: saved messages (shared or a profile's), environments and the user's
 * variables, kept in collections.json; sending saved messages expands their variables here, in
 * the core, so the UI and the command line send the same bytes.
 */
export function createCollectionsService(options: CollectionsServiceOptions): CollectionsService {
  const store = createCollectionsStore(options.dataDir ? join(options.dataDir, 'collections.json') : undefined);
  const timer = options.timer;
  const now = timer ? () => timer.now() : Date.now;
  const runner: SequenceRunner = createSequenceRunner({ ...(timer ? { timer } : {}), onStatus: (status) => options.events.emit('collections.sequenceStatus', status) });
  /** {{seq}}: per connection, one more for each saved message sent on it. */
  const sequenceNumbers = new Map<string, number>();

  const changed = (): CollectionsState => {
    const state = store.state();
    options.events.emit('collections.changed', state);
    return state;
  };

  function profileOf(connectionId: string): string | undefined {
    const key = options.connectionKeyOf(connectionId);
    if (key === undefined) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`, { reason: 'noConnection', id: connectionId });
    return profileIdOfKey(key);
  }

  /** A saved message expanded with the variables in force for this profile; throws INVALID_REQUEST saying what is wrong. */
  function expand(collectionId: string, messageId: string, profileId: string | undefined, extra: VariableSet | undefined, seq: number): ExpandedMessage {
    const message = store.message(collectionId, messageId);
    const { user, environment } = store.variablesFor(profileId);
    const result = expandTemplate(message, { seq, now, variables: mergeVariables(user, environment, extra) });
    if (!result.ok) throw new WorkbenchFailure('INVALID_REQUEST', `"${message.name}": ${result.error}`, { reason: 'savedMessage', name: message.name, detail: result.error });
    return result.message;
  }

  async function sendOne(connectionId: string, collectionId: string, messageId: string, extra: VariableSet | undefined): Promise<void> {
    const seq = (sequenceNumbers.get(connectionId) ?? 0) + 1;
    const message = expand(collectionId, messageId, profileOf(connectionId), extra, seq);
    sequenceNumbers.set(connectionId, seq);
    await options.publish({ connectionId, ...message });
  }

  return {
    store,
    profileDeleted(profileId) {
      store.profileDeleted(profileId);
      changed();
    },
    forget(connectionId) {
      runner.stopForConnection(connectionId);
      sequenceNumbers.delete(connectionId);
    },
    handlers: {
      'collections.list': () => store.state(),
      'collections.saveCollection': (input) => {
        const collectionId = store.saveCollection(input);
        return { state: changed(), collectionId };
      },
      'collections.deleteCollection': ({ collectionId }) => {
        store.deleteCollection(collectionId);
        return changed();
      },
      'collections.saveFolder': ({ collectionId, folderId, name }) => {
        const id = store.saveFolder(collectionId, { folderId, name });
        return { state: changed(), folderId: id };
      },
      'collections.deleteFolder': ({ collectionId, folderId }) => {
        store.deleteFolder(collectionId, folderId);
        return changed();
      },
      'collections.saveMessage': ({ collectionId, message }) => {
        const messageId = store.saveMessage(collectionId, message);
        return { state: changed(), messageId };
      },
      'collections.renameMessage': ({ collectionId, messageId, name }) => {
        store.renameMessage(collectionId, messageId, name);
        return changed();
      },
      'collections.duplicateMessage': ({ collectionId, messageId }) => {
        const copyId = store.duplicateMessage(collectionId, messageId);
        return { state: changed(), messageId: copyId };
      },
      'collections.deleteMessages': ({ collectionId, messageIds }) => {
        store.deleteMessages(collectionId, messageIds);
        return changed();
      },
      'collections.moveMessage': ({ collectionId, messageId, index, folderId }) => {
        store.moveMessage(collectionId, messageId, index, folderId);
        return changed();
      },
      'collections.export': ({ collectionId }) => store.exportCollection(collectionId),
      'collections.import': ({ text, profileId }) => {
        const collectionId = store.importCollection(text, profileId);
        return { state: changed(), collectionId };
      },
      'collections.saveEnvironment': (input) => {
        const environmentId = store.saveEnvironment(input);
        return { state: changed(), environmentId };
      },
      'collections.deleteEnvironment': ({ environmentId }) => {
        store.deleteEnvironment(environmentId);
        return changed();
      },
      'collections.chooseEnvironment': ({ profileId, environmentId }) => {
        store.chooseEnvironment(profileId, environmentId);
        return changed();
      },
      'collections.setVariables': ({ variables }) => {
        store.setVariables(variables);
        return changed();
      },
      'collections.preview': ({ collectionId, messageId, connectionId, profileId, variables }) => {
        const profile = connectionId ? profileOf(connectionId) : profileId;
        const seq = (connectionId ? (sequenceNumbers.get(connectionId) ?? 0) : 0) + 1;
        return expand(collectionId, messageId, profile, variables, seq);
      },
      'collections.send': async ({ connectionId, collectionId, messageIds, variables }) => {
        profileOf(connectionId);
        let sent = 0;
        const failed: { messageId: string; error: string }[] = [];
        for (const messageId of messageIds) {
          try {
            await sendOne(connectionId, collectionId, messageId, variables);
            sent++;
          } catch (error) {
            failed.push({ messageId, error: (error as Error).message });
          }
        }
        return { sent, failed };
      },
      'collections.startSequence': ({ connectionId, collectionId, steps, variables }) => {
        profileOf(connectionId);
        // Checked before the first delay: a missing message is an answer now, not a failure minutes later.
        for (const step of steps) store.message(collectionId, step.messageId);
        const sequenceId = runner.start({
          connectionId,
          collectionId,
          steps: steps.map((step) => ({ delayMs: step.delayMs, send: () => sendOne(connectionId, collectionId, step.messageId, variables) })),
        });
        return { sequenceId };
      },
      'collections.stopSequence': ({ sequenceId }) => runner.stop(sequenceId),
    },
    async close() {
      runner.stopAll();
    },
  };
}
