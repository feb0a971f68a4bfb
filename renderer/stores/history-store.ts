import { create } from 'zustand';
import {
  type ExportProgressEvent,
  type HistoryBackup,
  type HistoryConnection,
  type HistoryCursor,
  type HistoryQueryInput,
  type HistoryStatus,
  type StoredMessage,
  type WorkbenchError,
  type ExportFormat,
  type PayloadEncoding,
} from '../../shared/contract';
import { topicFilterProblem } from '../../shared/mqtt/topic';
import { type Delivered, deliverDownload } from '../bridge/deliver-download';
import { getApi } from './api';
import { translate } from '../ui/i18n';
import { createEarlyProgress } from './early-progress';
import { describeError } from '../ui/errors';


/** Rows per `history.query` page. */
export const HISTORY_PAGE_SIZE = 200;
/** `history.count` stops here and says "100,000+". */
export const HISTORY_COUNT_CAP = 100_000;

/** The query form as the user types it; `toHistoryQuery` turns it into the contract's query. */
export interface HistoryForm {
  /** A connection's label, over every run and key that had it; '' = every connection. */
  connectionLabel: string;
  direction: '' | 'in' | 'out';
  topicFilter: string;
  /** `datetime-local` values (local time), '' = open. */
  since: string;
  until: string;
  /** Which QoS levels to include; all false = any. */
  qos: [boolean, boolean, boolean];
  retain: '' | 'yes' | 'no';
  text: string;
}

export const EMPTY_FORM: HistoryForm = { connectionLabel: '', direction: '', topicFilter: '', since: '', until: '', qos: [false, false, false], retain: '', text: '' };

/** The form as a `historyQuery`, or the first problem found in it. */
export function toHistoryQuery(form: HistoryForm): { query: HistoryQueryInput } | { problem: string; field: keyof HistoryForm } {
  const query: HistoryQueryInput = {};
  if (form.connectionLabel) query.connectionLabels = [form.connectionLabel];
  if (form.direction) query.direction = form.direction;
  const filter = form.topicFilter.trim();
  if (filter) {
    const problem = topicFilterProblem(filter);
    if (problem) return { problem, field: 'topicFilter' };
    query.topicFilter = filter;
  }
  for (const field of ['since', 'until'] as const) {
    if (!form[field]) continue;
    const time = new Date(form[field]).getTime();
    if (Number.isNaN(time)) return { problem: translate('history:form.invalidTime'), field };
    query[field] = time;
  }
  if (query.since !== undefined && query.until !== undefined && query.since > query.until) return { problem: translate('history:form.fromAfterTo'), field: 'until' };
  const qos = ([0, 1, 2] as const).filter((level) => form.qos[level]);
  if (qos.length > 0 && qos.length < 3) query.qos = qos;
  if (form.retain) query.retain = form.retain === 'yes';
  if (form.text) query.text = form.text.slice(0, 1000);
  return { query };
}

export interface ExportState extends Omit<ExportProgressEvent, 'exportId'> {
  exportId: string;
  format: ExportFormat;
}

interface HistoryState {
  form: HistoryForm;
  formProblem: { field: keyof HistoryForm; message: string } | null;
  /** The query the shown rows (and exports) are for; null before the first search. */
  applied: HistoryQueryInput | null;
  rows: StoredMessage[];
  nextCursor: HistoryCursor | null;
  loading: boolean;
  error: WorkbenchError | null;
  count: { count: number; capped: boolean } | null;
  selectedId: number | null;
  status: HistoryStatus | null;
  statusError: WorkbenchError | null;
  /** The connections history holds messages of, for the connection filter. */
  connections: HistoryConnection[];
  exportFormat: ExportFormat;
  exportEncoding: PayloadEncoding;
  /** Adds the codec rules' decoded text beside each raw payload (issue 16). */
  exportDecoded: boolean;
  exporting: ExportState | null;
  exportError: WorkbenchError | null;
  /** How the last finished export reached the user (a browser download, or the desktop's save dialog). */
  delivered: Delivered | null;
  /** Backups in the data folder's backups/, newest first, and what the last backup or restore did. */
  backups: HistoryBackup[];
  backupBusy: boolean;
  backupNote: { ok: boolean; text: string } | null;

  setForm(change: Partial<HistoryForm>): void;
  resetForm(): void;
  /** Runs the form's query from the newest row: first page and count. */
  search(): Promise<void>;
  /** Appends the next page (keyset cursor), if there is one and none is loading. */
  loadMore(): Promise<void>;
  select(id: number | null): void;
  loadStatus(): Promise<void>;
  loadConnections(): Promise<void>;
  setExportOptions(options: { format?: ExportFormat; encoding?: PayloadEncoding; decoded?: boolean }): void;
  /**
   * The query an action (export, replay) works on: what the list shows, or before any search the
   * form as it stands; null (and the form's problem shown) when the form is invalid.
   */
  actionQuery(): HistoryQueryInput | null;
  startExport(): Promise<void>;
  cancelExport(): Promise<void>;
  /** Desktop, after a cancelled save dialog: asks again where to save the same export. */
  saveAgain(): Promise<void>;
  /** From `history.exportProgress`. */
  applyExportProgress(progress: ExportProgressEvent): void;
  loadBackups(): Promise<void>;
  makeBackup(): Promise<void>;
  /** Replaces the history with a backup (the current file is kept aside), then searches again. */
  restoreBackup(fileName: string): Promise<void>;
}

/** Progress of exports whose `history.export` response has not arrived yet. */
const earlyProgress = createEarlyProgress<ExportProgressEvent>();

/** True while a `history.export` request is out (a double click starts one export). */
let exportRequested = false;

/** Bumped per search, so a late page of an older search never lands in the new one. */
let generation = 0;

export const useHistoryStore = create<HistoryState>()((set, get) => ({
  form: EMPTY_FORM,
  formProblem: null,
  applied: null,
  rows: [],
  nextCursor: null,
  loading: false,
  error: null,
  count: null,
  selectedId: null,
  status: null,
  statusError: null,
  backups: [],
  backupBusy: false,
  backupNote: null,
  connections: [],
  exportFormat: 'csv',
  exportEncoding: 'utf8',
  exportDecoded: false,
  exporting: null,
  exportError: null,
  delivered: null,

  setForm(change) {
    set((state) => ({ form: { ...state.form, ...change }, formProblem: null }));
  },

  resetForm() {
    set({ form: EMPTY_FORM, formProblem: null });
  },

  async search() {
    const built = toHistoryQuery(get().form);
    if ('problem' in built) {
      set({ formProblem: { field: built.field, message: built.problem } });
      return;
    }
    const { query } = built;
    const mine = ++generation;
    set({ applied: query, rows: [], nextCursor: null, loading: true, error: null, count: null, selectedId: null, formProblem: null });
    const api = getApi();
    const [page, count] = await Promise.all([
      api.history.query({ query, limit: HISTORY_PAGE_SIZE, order: 'desc' }),
      api.history.count({ query, upTo: HISTORY_COUNT_CAP }),
    ]);
    if (mine !== generation) return;
    if (!page.ok) {
      set({ loading: false, error: page.error });
      return;
    }
    set({
      loading: false,
      rows: page.value.messages,
      nextCursor: page.value.nextCursor,
      count: count.ok ? count.value : null,
      ...(count.ok ? {} : { error: count.error }),
    });
    void get().loadStatus();
    void get().loadConnections();
  },

  async loadMore() {
    const { applied, nextCursor, loading } = get();
    if (!applied || !nextCursor || loading) return;
    const mine = generation;
    set({ loading: true });
    const page = await getApi().history.query({ query: applied, limit: HISTORY_PAGE_SIZE, cursor: nextCursor, order: 'desc' });
    if (mine !== generation) return;
    if (!page.ok) {
      set({ loading: false, error: page.error });
      return;
    }
    set((state) => ({ loading: false, rows: state.rows.concat(page.value.messages), nextCursor: page.value.nextCursor }));
  },

  select(selectedId) {
    set({ selectedId });
  },

  async loadBackups() {
    const result = await getApi().history.backups({});
    if (result.ok) set({ backups: result.value.backups });
  },

  async makeBackup() {
    if (get().backupBusy) return;
    set({ backupBusy: true, backupNote: null });
    const result = await getApi().history.backup({});
    set({ backupBusy: false, backupNote: result.ok ? { ok: true, text: translate('history:backup.backedUp', { path: result.value.path }) } : { ok: false, text: describeError(result.error) } });
    await get().loadBackups();
  },

  async restoreBackup(fileName) {
    if (get().backupBusy) return;
    set({ backupBusy: true, backupNote: null });
    const result = await getApi().history.restore({ fileName });
    set({
      backupBusy: false,
      backupNote: result.ok ? { ok: true, text: translate('history:backup.restored', { file: fileName, movedTo: result.value.movedTo }) } : { ok: false, text: describeError(result.error) },
    });
    if (result.ok) {
      void get().loadStatus();
      void get().loadConnections();
      void get().search();
    }
  },

  async loadStatus() {
    const result = await getApi().history.status({});
    if (result.ok) set({ status: result.value, statusError: null });
    else set({ statusError: result.error });
  },

  async loadConnections() {
    const result = await getApi().history.connections({});
    // Without them the filter offers "All connections" only; the status line says why history is off.
    if (result.ok) set({ connections: result.value.connections });
  },

  setExportOptions({ format, encoding, decoded }) {
    set((state) => ({ exportFormat: format ?? state.exportFormat, exportEncoding: encoding ?? state.exportEncoding, exportDecoded: decoded ?? state.exportDecoded }));
  },

  actionQuery() {
    const { applied } = get();
    if (applied) return applied;
    const built = toHistoryQuery(get().form);
    if ('problem' in built) {
      set({ formProblem: { field: built.field, message: built.problem } });
      return null;
    }
    return built.query;
  },

  async startExport() {
    const { exportFormat: format, exportEncoding, exportDecoded, exporting } = get();
    if (exporting?.state === 'running' || exportRequested) return;
    // The previous export's outcome goes now: a "Done" left on screen would read as this one's.
    set({ exportError: null, exporting: null, delivered: null });
    const query = get().actionQuery();
    if (!query) return;
    exportRequested = true;
    const result = await getApi()
      .history.export({ format, payloadEncoding: exportEncoding, ...(exportDecoded ? { decodedColumn: true } : {}), query, delivery: 'download' })
      .finally(() => (exportRequested = false));
    if (!result.ok) {
      set({ exportError: result.error });
      return;
    }
    const { exportId, path } = result.value;
    // A fast export may have reported progress (even "done") before this response named its id.
    const early = earlyProgress.take(exportId);
    set({ exporting: early ? { ...early, format } : { exportId, path, format, state: 'running', written: 0, total: 0, bytes: 0 } });
    if (early?.state === 'done') await deliverExport(exportId);
  },

  async saveAgain() {
    const delivered = get().delivered;
    if (delivered?.kind !== 'cancelled') return;
    set({ delivered: await deliverDownload(delivered.ticket) });
  },

  async cancelExport() {
    const exporting = get().exporting;
    if (!exporting || exporting.state !== 'running') return;
    const result = await getApi().history.cancelExport({ exportId: exporting.exportId });
    // NOT_FOUND: it finished meanwhile; its final progress event says how.
    if (!result.ok && result.error.code !== 'NOT_FOUND') set({ exportError: result.error });
  },

  applyExportProgress(progress) {
    const current = get().exporting;
    if (current?.exportId !== progress.exportId) {
      // Not (yet) known as ours: kept for the response that may name it.
      earlyProgress.keep(progress.exportId, progress);
      return;
    }
    if (current.state !== 'running') return;
    set({ exporting: { ...progress, format: current.format } });
    if (progress.state === 'done') void deliverExport(progress.exportId);
  },
}));

/** A finished export goes to the user at once: a browser download, or the desktop's save dialog. */
async function deliverExport(exportId: string): Promise<void> {
  const ticket = await getApi().history.download({ exportId });
  if (useHistoryStore.getState().exporting?.exportId !== exportId) return;
  if (!ticket.ok) {
    useHistoryStore.setState({ exportError: ticket.error });
    return;
  }
  const delivered = await deliverDownload(ticket.value);
  if (useHistoryStore.getState().exporting?.exportId === exportId) useHistoryStore.setState({ delivered });
}
