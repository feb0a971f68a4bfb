import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import type { ExportFormat, PayloadEncoding } from '../../../shared/contract';
import { CONNECTION_NAME_MAX } from '../../../shared/contract/limits';
import { type CodecEngineModules, loadCodecEngines } from '../codecs/codec-engines-loader';
import type { CodecScopes } from '../codecs/codec-scopes';
import { HistoryError } from './errors';
import { toJsonSafe } from './properties';
import type { HistoryQueries, HistoryWrites } from './history-store';
import type { HistoryCursor, HistoryMessageInput, HistoryQuery, StoredMessage } from './types';

export type { ExportFormat, PayloadEncoding } from '../../../shared/contract';

export interface ExportOptions {
  path: string;
  format: ExportFormat;
  /**
   * How payloads are written. With 'utf8', a payload that is not valid UTF-8 is written as base64
   * instead, and every record's `payloadEncoding` (CSV: `payload_encoding`) says which one it is,
   * so no export is ever lossy.
   */
  payloadEncoding?: PayloadEncoding;
  /** The query whose result to export; everything when absent. */
  query?: HistoryQuery;
  /** The codec rules: what a text query reads covered topics with, and what the decoded column shows. */
  codecs?: CodecScopes | undefined;
  /** Adds the decoded columns (see the contract's history.export). */
  decodedColumn?: boolean;
}

/** Decoded text an export writes per message, at most. */
export const EXPORT_DECODED_MAX_CHARS = 4 * 1024 * 1024;

interface DecodedColumns {
  rule: string;
  format: string;
  text: string;
  problem: string | null;
}

/** What the rules make of each exported message (null: no rule covers it). */
function createExportDecoder(codecs: CodecScopes | undefined, { createScopedEngines, describeProblem }: CodecEngineModules): (message: StoredMessage) => DecodedColumns | null {
  const engines = createScopedEngines();
  engines.use(codecs);
  return (message) => {
    const engine = engines.forKey(message.connectionKey);
    const contentType = typeof message.properties?.contentType === 'string' ? message.properties.contentType : undefined;
    const rule = engine?.match(message.topic, contentType);
    if (!engine || !rule) return null;
    const decoded = engine.decode(rule, message.payload, { contentType, maxChars: EXPORT_DECODED_MAX_CHARS, message });
    return { rule: decoded.ruleName || decoded.ruleId, format: decoded.format, text: decoded.problem ? '' : decoded.text, problem: decoded.problem ? describeProblem(decoded.problem) : null };
  };
}

export interface ExportProgress {
  written: number;
  total: number;
  bytes: number;
}

export interface ExportResult {
  path: string;
  format: ExportFormat;
  payloadEncoding: PayloadEncoding;
  count: number;
  bytes: number;
}

export interface ImportOptions {
  path: string;
  /** Detected from the first character when absent ('[' = JSON array, '{' = NDJSON). */
  format?: 'ndjson' | 'json';
}

export interface ImportResult {
  imported: number;
  /** True when a cancel stopped it: the rows imported until then stay (each batch is committed). */
  cancelled: boolean;
}

interface Control {
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
}

/** Rows per read; with payloads up to a few KB this keeps an export's memory to a few MB. */
const EXPORT_PAGE_ROWS = 500;
/** Buffered output is written once it reaches this size. */
const WRITE_CHUNK_BYTES = 1 << 20;
const IMPORT_BATCH_ROWS = 1000;
/** A JSON array not laid out one record per line (not ours) is parsed whole, up to this size. */
const MAX_WHOLE_JSON_BYTES = 512 * 1024 * 1024;

const CSV_COLUMNS = [
  'id',
  'timestamp',
  'time',
  'connection_key',
  'connection_label',
  'direction',
  'topic',
  'qos',
  'retain',
  'dup',
  'packet_id',
  'payload_size',
  'payload_encoding',
  'payload',
  'properties',
];
const CSV_DECODED_COLUMNS = ['decoded_rule', 'decoded_format', 'decoded', 'decoded_problem'];

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodePayload(payload: Uint8Array, encoding: PayloadEncoding): { encoding: PayloadEncoding; text: string } {
  if (encoding === 'utf8') {
    const text = decodeUtf8Strict(payload);
    if (text !== null) return { encoding, text };
    return { encoding: 'base64', text: asBuffer(payload).toString('base64') };
  }
  return { encoding, text: asBuffer(payload).toString(encoding) };
}

function toRecord(message: StoredMessage, encoding: PayloadEncoding, decoded?: DecodedColumns | null): Record<string, unknown> {
  const payload = encodePayload(message.payload, encoding);
  const record: Record<string, unknown> = {
    id: message.id,
    timestamp: message.timestamp,
    time: new Date(message.timestamp).toISOString(),
    connectionKey: message.connectionKey,
    connectionLabel: message.connectionLabel,
    direction: message.direction,
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
    dup: message.dup,
    packetId: message.packetId,
    payloadSize: message.payloadSize,
    payloadEncoding: payload.encoding,
    payload: payload.text,
    properties: message.properties === null ? null : toJsonSafe(message.properties),
  };
  if (decoded !== undefined) {
    record.decodedRule = decoded?.rule ?? null;
    record.decodedFormat = decoded?.format ?? null;
    record.decoded = decoded ? decoded.text : null;
    record.decodedProblem = decoded?.problem ?? null;
  }
  return record;
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvRow(message: StoredMessage, encoding: PayloadEncoding, decoded?: DecodedColumns | null): string {
  const payload = encodePayload(message.payload, encoding);
  const fields = [
    String(message.id),
    String(message.timestamp),
    new Date(message.timestamp).toISOString(),
    message.connectionKey,
    message.connectionLabel,
    message.direction,
    message.topic,
    String(message.qos),
    message.retain ? 'true' : 'false',
    message.dup ? 'true' : 'false',
    message.packetId === null ? '' : String(message.packetId),
    String(message.payloadSize),
    payload.encoding,
    payload.text,
    message.properties === null ? '' : JSON.stringify(toJsonSafe(message.properties)),
  ];
  if (decoded !== undefined) fields.push(decoded?.rule ?? '', decoded?.format ?? '', decoded?.text ?? '', decoded?.problem ?? '');
  return `${fields.map(csvField).join(',')}\r\n`;
}

function exportError(error: unknown, path: string): HistoryError {
  if (error instanceof HistoryError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new HistoryError('HISTORY_EXPORT_DISK_FULL', `The disk is full: the export to ${path} was stopped and the partial file removed.`, { path });
  }
  return new HistoryError('HISTORY_EXPORT_UNWRITABLE', `Cannot write the export to ${path}: ${(error as Error).message}`, { path, cause: code });
}

function cancelled(path: string): HistoryError {
  return new HistoryError('HISTORY_EXPORT_CANCELLED', `The export to ${path} was cancelled; the partial file was removed.`, { path });
}

/**
 * Streams a query's result to a file: keyset pages from the store (SQLite or PostgreSQL), formatted
 * and written in chunks, so memory stays bounded whatever the row count. It writes `<path>.partial`
 * and renames it when done; on an error or a cancel the partial file is removed, so a file at `path`
 * is always complete.
 */
export async function exportMessages(store: Pick<HistoryQueries, 'count' | 'page'>, options: ExportOptions, control: Control = {}): Promise<ExportResult> {
  const encoding = options.payloadEncoding ?? 'utf8';
  const query = options.query ?? {};
  const partial = `${options.path}.partial`;
  // Rules read text searches and the decoded column; the engines load only for those (codec-engines-loader.ts).
  const engineModules = options.codecs || options.decodedColumn ? await loadCodecEngines() : undefined;
  const total = await store.count(query, options.codecs);
  const decode = engineModules && options.decodedColumn ? createExportDecoder(options.codecs, engineModules) : undefined;
  let handle: FileHandle | null = null;
  let bytes = 0;
  let written = 0;
  try {
    handle = await open(partial, 'w');
    let buffer: string[] = [];
    let buffered = 0;
    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      const chunk = Buffer.from(buffer.join(''), 'utf8');
      buffer = [];
      buffered = 0;
      await handle!.write(chunk);
      bytes += chunk.byteLength;
    };
    const push = async (text: string): Promise<void> => {
      buffer.push(text);
      buffered += text.length;
      if (buffered >= WRITE_CHUNK_BYTES) await flush();
    };

    if (options.format === 'csv') await push(`${[...CSV_COLUMNS, ...(decode ? CSV_DECODED_COLUMNS : [])].join(',')}\r\n`);
    if (options.format === 'json') await push('[\n');
    let cursor: HistoryCursor | null = null;
    for (;;) {
      if (control.signal?.aborted) throw cancelled(options.path);
      const page = await store.page({ query, cursor, limit: EXPORT_PAGE_ROWS, order: 'asc', codecs: options.codecs });
      for (const message of page.messages) {
        const decoded = decode?.(message);
        if (options.format === 'csv') await push(csvRow(message, encoding, decoded));
        else {
          const line = JSON.stringify(toRecord(message, encoding, decoded));
          await push(options.format === 'json' ? `${written > 0 ? ',\n' : ''}${line}` : `${line}\n`);
        }
        written++;
      }
      await flush();
      control.onProgress?.({ written, total: Math.max(total, written), bytes });
      // Let a cancel (and other requests) in between pages.
      await new Promise((resolve) => setImmediate(resolve));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    if (options.format === 'json') await push(written > 0 ? '\n]\n' : ']\n');
    await flush();
    await handle.close();
    handle = null;
    if (control.signal?.aborted) throw cancelled(options.path);
    await rename(partial, options.path);
    return { path: options.path, format: options.format, payloadEncoding: encoding, count: written, bytes };
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    throw exportError(error, options.path);
  }
}

function invalid(path: string, where: string, problem: string): HistoryError {
  return new HistoryError('HISTORY_IMPORT_INVALID', `${path} ${where}: ${problem}`, { path });
}

function decodePayload(text: string, encoding: unknown): Uint8Array | null {
  if (encoding === 'utf8') return new TextEncoder().encode(text);
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
    return new Uint8Array(Buffer.from(text, 'base64'));
  }
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return null;
    return new Uint8Array(Buffer.from(text, 'hex'));
  }
  return null;
}

/** An imported message and the label its record gave its connection, if any. */
export type ImportedMessage = HistoryMessageInput & { connectionLabel?: string };

/**
 * Checks one exported record and turns it back into a message; a string says what is wrong.
 * Exports from before connection keys name the connection by `connectionId` (a run id such as c1):
 * it becomes the key, as the schema migration did with stored rows.
 */
export function fromRecord(record: unknown): ImportedMessage | string {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return 'not an object';
  const r = record as Record<string, unknown>;
  const connectionKey = r.connectionKey ?? r.connectionId;
  // Bounded as the contract bounds them, so every imported connection can be searched for.
  if (typeof connectionKey !== 'string' || connectionKey.length === 0 || connectionKey.length > CONNECTION_NAME_MAX) {
    return `connectionKey must be a string of 1 to ${CONNECTION_NAME_MAX} characters`;
  }
  if (r.connectionLabel !== undefined && (typeof r.connectionLabel !== 'string' || r.connectionLabel.length > CONNECTION_NAME_MAX)) {
    return `connectionLabel must be a string of at most ${CONNECTION_NAME_MAX} characters`;
  }
  if (r.direction !== 'in' && r.direction !== 'out') return 'direction must be "in" or "out"';
  if (typeof r.topic !== 'string') return 'topic must be a string';
  if (r.qos !== 0 && r.qos !== 1 && r.qos !== 2) return 'qos must be 0, 1 or 2';
  if (typeof r.retain !== 'boolean' || typeof r.dup !== 'boolean') return 'retain and dup must be booleans';
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) return 'timestamp must be a number (ms since the epoch)';
  if (r.packetId !== undefined && r.packetId !== null && !Number.isInteger(r.packetId)) return 'packetId must be an integer or null';
  if (r.properties !== undefined && r.properties !== null && (typeof r.properties !== 'object' || Array.isArray(r.properties))) {
    return 'properties must be an object or null';
  }
  if (typeof r.payload !== 'string') return 'payload must be a string';
  const payload = decodePayload(r.payload, r.payloadEncoding);
  if (!payload) return `payload is not valid ${String(r.payloadEncoding)} (payloadEncoding must be utf8, base64 or hex)`;
  if (r.payloadSize !== undefined && r.payloadSize !== payload.byteLength) {
    return `payload decodes to ${payload.byteLength} bytes but payloadSize says ${String(r.payloadSize)}`;
  }
  return {
    connectionKey,
    ...(typeof r.connectionLabel === 'string' && r.connectionLabel.length > 0 ? { connectionLabel: r.connectionLabel } : {}),
    direction: r.direction,
    topic: r.topic,
    payload,
    qos: r.qos,
    retain: r.retain,
    dup: r.dup,
    timestamp: r.timestamp,
    packetId: (r.packetId as number | null | undefined) ?? null,
    properties: (r.properties as Record<string, unknown> | null | undefined) ?? null,
  };
}

async function firstChar(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart().charAt(0);
  } finally {
    await handle.close();
  }
}

/** Yields the records of an NDJSON file, or of a JSON array written one record per line (ours). */
async function* lineRecords(path: string, format: 'ndjson' | 'json'): AsyncGenerator<{ line: number; record: unknown }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const raw of lines) {
    number++;
    let text = raw.trim();
    if (format === 'json') {
      if (text === '[' || text === ']' || text === '') continue;
      if (text.startsWith(',')) text = text.slice(1);
      if (text.endsWith(',')) text = text.slice(0, -1);
      if (text.startsWith('[')) throw new Error('not one record per line');
    }
    if (text === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      if (format === 'json') throw new Error('not one record per line');
      throw invalid(path, `line ${number}`, `not JSON (${(error as Error).message})`);
    }
    yield { line: number, record };
  }
}

/**
 * Imports an NDJSON or JSON export back into history. It validates the whole file first, so a bad
 * file imports nothing, then inserts in batches (one transaction each) that let live writes in.
 */
export async function importMessages(
  store: Pick<HistoryWrites, 'insert' | 'setConnectionLabel'>,
  options: ImportOptions,
  control: { signal?: AbortSignal; onProgress?: (progress: { imported: number; total: number }) => void } = {},
): Promise<ImportResult> {
  const { path } = options;
  let format = options.format;
  try {
    await stat(path);
  } catch (error) {
    throw invalid(path, 'cannot be read', (error as Error).message);
  }
  if (!format) {
    const first = await firstChar(path);
    if (first === '[') format = 'json';
    else if (first === '{' || first === '') format = 'ndjson';
    else throw invalid(path, 'is not', 'an NDJSON or JSON history export');
  }

  let source: () => AsyncIterable<{ line: number; record: unknown }> = () => lineRecords(path, format);
  if (format === 'json') {
    try {
      for await (const item of lineRecords(path, 'json')) void item; // layout check only
    } catch (error) {
      if (error instanceof HistoryError) throw error;
      const size = (await stat(path)).size;
      if (size > MAX_WHOLE_JSON_BYTES) throw invalid(path, 'is', 'a JSON array over 512 MB not laid out one record per line');
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path, 'utf8'));
      } catch (parseError) {
        throw invalid(path, 'is not', `valid JSON (${(parseError as Error).message})`);
      }
      if (!Array.isArray(parsed)) throw invalid(path, 'is not', 'a JSON array of messages');
      const records = parsed;
      source = async function* () {
        for (let i = 0; i < records.length; i++) yield { line: i + 1, record: records[i] };
      };
    }
  }

  let total = 0;
  for await (const { line, record } of source()) {
    const result = fromRecord(record);
    if (typeof result === 'string') throw invalid(path, format === 'json' ? `record ${total + 1} (line ${line})` : `line ${line}`, result);
    total++;
  }

  let imported = 0;
  let batch: ImportedMessage[] = [];
  const commit = async (): Promise<void> => {
    await store.insert(batch);
    // A connection this history already names keeps its name: the file's label may be older.
    const labels = new Map(batch.flatMap((m) => (m.connectionLabel === undefined ? [] : [[m.connectionKey, m.connectionLabel] as const])));
    for (const [key, label] of labels) await store.setConnectionLabel(key, label, { ifUnnamed: true });
    imported += batch.length;
    batch = [];
    control.onProgress?.({ imported, total });
    await new Promise((resolve) => setImmediate(resolve));
  };
  let cancelled = false;
  for await (const { record } of source()) {
    if (control.signal?.aborted) {
      cancelled = true;
      break;
    }
    batch.push(fromRecord(record) as ImportedMessage);
    if (batch.length >= IMPORT_BATCH_ROWS) await commit();
  }
  if (batch.length > 0 && !cancelled) await commit();
  return { imported, cancelled };
}
