import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { type CollectionsState, collectionsState } from '../../../shared/contract/collections';
import { restrictToOwner } from '../files/private-files';

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyCollectionsState();
    console.warn(`The saved messages in ${path} could not be read (${(error as Error).message}); starting with none`);
    return emptyCollectionsState();
  }
  let reason: string;
  try {
    const parsed = storedFile.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { version: _version, ...state } = parsed.data;
      return state;
    }
    reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
  } catch (error) {
    reason = (error as Error).message;
  }
  console.warn(`The saved messages in ${path} are damaged (${reason}); the file was set aside as ${path}.damaged`);
  try {
    renameSync(path, `${path}.damaged`);
  } catch {
    // Left where it is: the next save replaces it, which is no worse than not starting.
  }
  return emptyCollectionsState();
}

export function saveCollectionsFile(path: string, state: CollectionsState): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, ...state }), { mode: 0o600 });
  restrictToOwner(temporary);
  renameSync(temporary, path);
}
