import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  COLLECTION_FILE_KIND,
  type Collection,
  type CollectionFile,
  type CollectionsState,
  type Environment,
  SAVED_MESSAGES_MAX,
  type SavedMessage,
  type VariableSet,
  WorkbenchFailure,
  collectionFile,
} from '../../../shared/contract';
import { BUILT_IN_VARIABLES } from '../../../shared/templates/message-variables';
import { emptyCollectionsState, loadCollectionsFile, saveCollectionsFile } from './collections-file';

export type NewMessage = Omit<SavedMessage, 'id'> & { id?: string | undefined };

/**
 * The saved collections, environments and variables, in memory and (with a path) in
 * collections.json: every change is written at once, whole, before it is answered, so what the
 * user saw saved is on disk. Each method returns the new state (a fresh object: callers may keep
 * the old one).
 */
export interface CollectionsStore {
  state(): CollectionsState;
  collection(collectionId: string): Collection;
  message(collectionId: string, messageId: string): SavedMessage;
  saveCollection(input: { id?: string | undefined; name: string; profileId?: string | undefined }): string;
  deleteCollection(collectionId: string): void;
  saveFolder(collectionId: string, input: { folderId?: string | undefined; name: string }): string;
  deleteFolder(collectionId: string, folderId: string): void;
  saveMessage(collectionId: string, message: NewMessage): string;
  renameMessage(collectionId: string, messageId: string, name: string): void;
  duplicateMessage(collectionId: string, messageId: string): string;
  deleteMessages(collectionId: string, messageIds: readonly string[]): void;
  moveMessage(collectionId: string, messageId: string, index: number, folderId?: string | null): void;
  exportCollection(collectionId: string): { json: string; fileName: string };
  importCollection(text: string, profileId?: string): string;
  saveEnvironment(input: { id?: string | undefined; name: string; variables: VariableSet }): string;
  deleteEnvironment(environmentId: string): void;
  chooseEnvironment(profileId: string, environmentId: string | null): void;
  setVariables(variables: VariableSet): void;
  /** A saved profile was deleted: its collections become shared (never lost, never hidden) and its environment choice goes. */
  profileDeleted(profileId: string): void;
  /** The variables a profile's connections use: the user's own, then its environment's (which win). */
  variablesFor(profileId: string | undefined): { user: VariableSet; environment: VariableSet | undefined };
}

const newId = () => randomUUID();

function notFound(what: string): never {
  throw new WorkbenchFailure('NOT_FOUND', `No such ${what}`, {});
}

function checkVariableNames(variables: VariableSet): void {
  const builtIn = Object.keys(variables).filter((name) => (BUILT_IN_VARIABLES as readonly string[]).includes(name));
  if (builtIn.length) {
    throw new WorkbenchFailure('INVALID_REQUEST', `${builtIn.join(', ')}: built-in variable${builtIn.length > 1 ? 's' : ''}, not a name of your own`, { reason: 'builtInVariable', names: builtIn.join(', ') });
  }
}

/** A name not yet used among `taken`: "Name", else "Name (2)", "Name (3)"… */
function freeName(name: string, taken: readonly string[]): string {
  if (!taken.includes(name)) return name;
  for (let n = 2; ; n++) if (!taken.includes(`${name} (${n})`)) return `${name} (${n})`;
}

/** Readable problems of a collection file, at most a few, each with where it is. */
function fileProblems(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join('.') : 'the file'}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return issues.join('; ') + more;
}

export function createCollectionsStore(path: string | undefined): CollectionsStore {
  let current: CollectionsState = path ? loadCollectionsFile(path) : emptyCollectionsState();

  /** Applies a change to a copy and writes it; the state in memory moves on only once the file has it. */
  function change(edit: (draft: CollectionsState) => void): void {
    const draft = structuredClone(current);
    edit(draft);
    if (path) saveCollectionsFile(path, draft);
    current = draft;
  }
  const find = (state: CollectionsState, collectionId: string) => state.collections.find((c) => c.id === collectionId) ?? notFound('collection');
  const findMessage = (c: Collection, messageId: string) => c.messages.find((m) => m.id === messageId) ?? notFound('saved message');
  const checkFolder = (c: Collection, folderId: string | undefined | null) => {
    if (folderId && !c.folders.some((f) => f.id === folderId)) notFound('folder');
  };
  const roomFor = (c: Collection, count: number) => {
    if (c.messages.length + count > SAVED_MESSAGES_MAX) throw new WorkbenchFailure('INVALID_REQUEST', `A collection holds at most ${SAVED_MESSAGES_MAX} messages`, { reason: 'collectionFull', limit: SAVED_MESSAGES_MAX });
  };

  return {
    state: () => current,
    collection: (collectionId) => find(current, collectionId),
    message: (collectionId, messageId) => findMessage(find(current, collectionId), messageId),

    saveCollection({ id, name, profileId }) {
      const collectionId = id ?? newId();
      change((draft) => {
        if (id) find(draft, id).name = name;
        else draft.collections.push({ id: collectionId, name, ...(profileId ? { profileId } : {}), folders: [], messages: [] });
      });
      return collectionId;
    },
    deleteCollection(collectionId) {
      change((draft) => {
        find(draft, collectionId);
        draft.collections = draft.collections.filter((c) => c.id !== collectionId);
      });
    },
    saveFolder(collectionId, { folderId, name }) {
      const id = folderId ?? newId();
      change((draft) => {
        const c = find(draft, collectionId);
        if (folderId) (c.folders.find((f) => f.id === folderId) ?? notFound('folder')).name = name;
        else c.folders.push({ id, name });
      });
      return id;
    },
    deleteFolder(collectionId, folderId) {
      change((draft) => {
        const c = find(draft, collectionId);
        checkFolder(c, folderId);
        c.folders = c.folders.filter((f) => f.id !== folderId);
        // Its messages stay, at the top level: deleting a folder never deletes what was saved in it.
        for (const m of c.messages) if (m.folderId === folderId) delete m.folderId;
      });
    },
    saveMessage(collectionId, message) {
      const messageId = message.id ?? newId();
      change((draft) => {
        const c = find(draft, collectionId);
        checkFolder(c, message.folderId);
        const saved: SavedMessage = { ...message, id: messageId };
        if (saved.folderId === undefined) delete saved.folderId;
        const index = c.messages.findIndex((m) => m.id === messageId);
        if (index >= 0) c.messages[index] = saved;
        else {
          roomFor(c, 1);
          c.messages.push(saved);
        }
      });
      return messageId;
    },
    renameMessage(collectionId, messageId, name) {
      change((draft) => {
        findMessage(find(draft, collectionId), messageId).name = name;
      });
    },
    duplicateMessage(collectionId, messageId) {
      const copyId = newId();
      change((draft) => {
        const c = find(draft, collectionId);
        const original = findMessage(c, messageId);
        roomFor(c, 1);
        const name = freeName(`${original.name} (copy)`.slice(0, 200), c.messages.map((m) => m.name));
        c.messages.splice(c.messages.indexOf(original) + 1, 0, { ...structuredClone(original), id: copyId, name });
      });
      return copyId;
    },
    deleteMessages(collectionId, messageIds) {
      change((draft) => {
        const c = find(draft, collectionId);
        const gone = new Set(messageIds);
        c.messages = c.messages.filter((m) => !gone.has(m.id));
      });
    },
    moveMessage(collectionId, messageId, index, folderId) {
      change((draft) => {
        const c = find(draft, collectionId);
        const message = findMessage(c, messageId);
        if (folderId !== undefined) {
          checkFolder(c, folderId);
          if (folderId === null) delete message.folderId;
          else message.folderId = folderId;
        }
        c.messages.splice(c.messages.indexOf(message), 1);
        c.messages.splice(Math.min(index, c.messages.length), 0, message);
      });
    },
    exportCollection(collectionId) {
      const c = find(current, collectionId);
      const file: CollectionFile = { kind: COLLECTION_FILE_KIND, version: 1, collection: { name: c.name, folders: c.folders, messages: c.messages } };
      const base = c.name.replace(/[^\w.() -]+/g, '_').replace(/^\.+/, '') || 'collection';
      return { json: `${JSON.stringify(file, null, 2)}\n`, fileName: `${base}.collection.json` };
    },
    importCollection(text, profileId) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw new WorkbenchFailure('IMPORT_INVALID', `Not a collection file: the JSON does not read (${(error as Error).message})`, { reason: 'notCollectionFile', detail: (error as Error).message });
      }
      const parsed = collectionFile.safeParse(raw);
      if (!parsed.success) {
        const detail = fileProblems(parsed.error);
        throw new WorkbenchFailure('IMPORT_INVALID', `Not a collection file this version reads: ${detail}`, { reason: 'notCollectionFile', detail });
      }
      const { collection } = parsed.data;
      const folderIds = new Set(collection.folders.map((f) => f.id));
      const orphan = collection.messages.find((m) => m.folderId !== undefined && !folderIds.has(m.folderId));
      if (orphan) {
        const detail = `message "${orphan.name}" is in folder ${orphan.folderId}, which the file does not list`;
        throw new WorkbenchFailure('IMPORT_INVALID', `Not a collection file this version reads: ${detail}`, { reason: 'notCollectionFile', detail });
      }
      // New ids throughout: importing the same file twice makes two collections, never one over the other.
      const folderMap = new Map(collection.folders.map((f) => [f.id, newId()]));
      const collectionId = newId();
      change((draft) => {
        const name = freeName(collection.name, draft.collections.filter((c) => c.profileId === profileId).map((c) => c.name));
        draft.collections.push({
          id: collectionId,
          name,
          ...(profileId ? { profileId } : {}),
          folders: collection.folders.map((f) => ({ id: folderMap.get(f.id) ?? newId(), name: f.name })),
          messages: collection.messages.map((m) => {
            const { folderId, ...rest } = m;
            const mapped = folderId === undefined ? undefined : folderMap.get(folderId);
            return { ...rest, id: newId(), ...(mapped ? { folderId: mapped } : {}) };
          }),
        });
      });
      return collectionId;
    },
    saveEnvironment({ id, name, variables }) {
      checkVariableNames(variables);
      const environmentId = id ?? newId();
      change((draft) => {
        const environment: Environment = { id: environmentId, name, variables };
        const index = draft.environments.findIndex((e) => e.id === environmentId);
        if (index >= 0) draft.environments[index] = environment;
        else if (id) notFound('environment');
        else draft.environments.push(environment);
      });
      return environmentId;
    },
    deleteEnvironment(environmentId) {
      change((draft) => {
        if (!draft.environments.some((e) => e.id === environmentId)) notFound('environment');
        draft.environments = draft.environments.filter((e) => e.id !== environmentId);
        for (const [profileId, chosen] of Object.entries(draft.profileEnvironments)) if (chosen === environmentId) delete draft.profileEnvironments[profileId];
      });
    },
    chooseEnvironment(profileId, environmentId) {
      change((draft) => {
        if (environmentId === null) delete draft.profileEnvironments[profileId];
        else {
          if (!draft.environments.some((e) => e.id === environmentId)) notFound('environment');
          draft.profileEnvironments[profileId] = environmentId;
        }
      });
    },
    setVariables(variables) {
      checkVariableNames(variables);
      change((draft) => {
        draft.variables = variables;
      });
    },
    profileDeleted(profileId) {
      if (!current.collections.some((c) => c.profileId === profileId) && current.profileEnvironments[profileId] === undefined) return;
      change((draft) => {
        for (const c of draft.collections) if (c.profileId === profileId) delete c.profileId;
        delete draft.profileEnvironments[profileId];
      });
    },
    variablesFor(profileId) {
      const environmentId = profileId ? current.profileEnvironments[profileId] : undefined;
      const environment = environmentId ? current.environments.find((e) => e.id === environmentId) : undefined;
      return { user: current.variables, environment: environment?.variables };
    },
  };
}
