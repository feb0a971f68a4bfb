import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Unused download ids expire after this (their file is removed then). */
export const DOWNLOAD_TTL_MS = 10 * 60_000;
/** Unused ids kept at most; a new one beyond this drops the oldest (payload bytes are held in memory). */
export const MAX_PENDING_DOWNLOADS = 64;
/** 32 random bytes, base64url: 43 characters. */
export const DOWNLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface DownloadSource {
  fileName: string;
  bytes: number;
}

/** One download, taken (and so spent) by whoever serves it: the host or the desktop shell. */
export interface TakenDownload extends DownloadSource {
  /** The bytes, streamed (a file is never read whole). */
  open(): Readable;
  /** Called once the bytes were sent (or the attempt failed): a file made for it is removed. */
  release(): Promise<void>;
}

export interface Downloads {
  /** A file to hand over once. `removeAfter`: the file was made for this download and goes with it. */
  mintFile(path: string, source: DownloadSource, options: { removeAfter: boolean }): string;
  /** Bytes held in memory (a payload) to hand over once. */
  mintBytes(data: Uint8Array, fileName: string): string;
  /** What an id would deliver, without spending it (the desktop save dialog proposes the name). */
  describe(id: string): DownloadSource | null;
  /** Spends the id: a second take (or an unknown or expired id) gives null. */
  take(id: string): TakenDownload | null;
  close(): Promise<void>;
}

/**
 * A file name safe in a Content-Disposition header and on any file system: letters, digits and
 * `. _ - ( )` and spaces; no path, no leading dots; never empty.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\w.() -]+/g, '_').replace(/^[.\s]+/, '').slice(0, 150).trim();
  return cleaned || 'download';
}

interface Entry extends DownloadSource {
  open(): Readable;
  remove(): Promise<void>;
  timer: NodeJS.Timeout;
}

/**
 * Short-lived, single-use download ids (32 random bytes each). A History export made for a
 * download is removed from the host when its download has been served (or failed), when its id
 * expires unused, or when the workbench closes: the user's copy is the downloaded or saved one.
 */
export function createDownloads({ ttlMs = DOWNLOAD_TTL_MS, maxPending = MAX_PENDING_DOWNLOADS }: { ttlMs?: number; maxPending?: number } = {}): Downloads {
  const entries = new Map<string, Entry>();

  const add = (entry: Omit<Entry, 'timer'>): string => {
    while (entries.size >= maxPending) {
      const [oldestId, oldest] = entries.entries().next().value as [string, Entry];
      entries.delete(oldestId);
      clearTimeout(oldest.timer);
      void oldest.remove();
    }
    const id = randomBytes(32).toString('base64url');
    const timer = setTimeout(() => {
      if (entries.get(id)?.timer !== timer) return;
      entries.delete(id);
      void entry.remove();
    }, ttlMs);
    timer.unref();
    entries.set(id, { ...entry, fileName: safeFileName(entry.fileName), timer });
    return id;
  };

  return {
    mintFile(path, source, { removeAfter }) {
      return add({
        ...source,
        open: () => createReadStream(path, { highWaterMark: 256 * 1024 }),
        remove: async () => {
          if (removeAfter) await unlink(path).catch(() => undefined);
        },
      });
    },
    mintBytes(data, fileName) {
      return add({ fileName, bytes: data.byteLength, open: () => Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), remove: async () => undefined });
    },
    describe(id) {
      const entry = typeof id === 'string' ? entries.get(id) : undefined;
      return entry ? { fileName: entry.fileName, bytes: entry.bytes } : null;
    },
    take(id) {
      if (typeof id !== 'string' || !DOWNLOAD_ID_PATTERN.test(id)) return null;
      const entry = entries.get(id);
      if (!entry) return null;
      entries.delete(id);
      clearTimeout(entry.timer);
      let released = false;
      return {
        fileName: entry.fileName,
        bytes: entry.bytes,
        open: entry.open,
        release: async () => {
          if (released) return;
          released = true;
          await entry.remove();
        },
      };
    },
    async close() {
      const all = [...entries.values()];
      entries.clear();
      for (const entry of all) clearTimeout(entry.timer);
      await Promise.all(all.map((entry) => entry.remove()));
    },
  };
}
