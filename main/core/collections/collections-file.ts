import { z } from 'zod';
import { type CollectionsState, collectionsState } from '../../../shared/contract/collections';
import { loadJsonDataFile, saveJsonDataFile } from '../files/json-data-file';

/** collections.json as written: the state plus its version, so a later change of shape can migrate it. */
const storedFile = collectionsState.extend({ version: z.literal(1) });

export function emptyCollectionsState(): CollectionsState {
  return { collections: [], environments: [], variables: {}, profileEnvironments: {} };
}

/**
 * The saved messages and variables in `<dataDir>/collections.json` (0600): replaced whole through
 * a temporary file so a crash never leaves half of it. A file that does not read as collections is
 * set aside as `collections.json.damaged` (the user's messages are in it) and the app starts empty.
 */
export function loadCollectionsFile(path: string): CollectionsState {
  return loadJsonDataFile(path, storedFile, { what: 'saved messages', fallbackMeans: 'the app starts with none', fallback: emptyCollectionsState }, ({ version: _version, ...state }) => state);
}

export function saveCollectionsFile(path: string, state: CollectionsState): void {
  saveJsonDataFile(path, { version: 1, ...state });
}
