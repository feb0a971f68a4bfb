import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';
import { restrictToOwner } from './private-files';

/** How a data file is named in warnings and what applies when it is missing or unreadable. */
export interface JsonDataFile<T> {
  /** What it holds, for warnings: "The file <path> (codec rules) …". */
  what: string;
  /** What happens instead, for warnings: "none apply", "History uses this computer". */
  fallbackMeans: string;
  fallback(): T;
}

/**
 * A settings file in the data folder (codecs.json, automation.json, collections.json,
 * history-source.json), read with its schema. A missing file is the fallback; a file that does not
 * read as the schema is set aside as `<name>.damaged` (the user's work is in it, never overwritten)
 * and the fallback applies.
 */
export function loadJsonDataFile<S extends z.ZodType, T>(path: string, schema: S, file: JsonDataFile<T>, fromStored: (stored: z.output<S>) => T): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`The file ${path} (${file.what}) could not be read (${(error as Error).message}); ${file.fallbackMeans}`);
    return file.fallback();
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return fromStored(parsed.data);
    reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
  } catch (error) {
    reason = (error as Error).message;
  }
  console.warn(`The file ${path} (${file.what}) is damaged (${reason}); it was set aside as ${path}.damaged and ${file.fallbackMeans}`);
  try {
    renameSync(path, `${path}.damaged`);
  } catch {
    // Left where it is: the next save replaces it, which is no worse than not starting.
  }
  return file.fallback();
}

/** Replaced whole through a temporary file (0600), so a crash never leaves half of it. */
export function saveJsonDataFile(path: string, value: unknown): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(value), { mode: 0o600 });
  restrictToOwner(temporary);
  renameSync(temporary, path);
}
