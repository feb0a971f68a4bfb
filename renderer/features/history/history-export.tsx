import { formatCount, formatCountOf } from '../../ui/numbers';
import type { ExportFormat, PayloadEncoding } from '../../../shared/contract';
import { useHistoryStore } from '../../stores/history-store';
import { savesWithDialog, showInFolder } from '../../stores/downloads';
import { formatSize } from './history-status';

const FORMATS: { key: ExportFormat; label: string }[] = [
  { key: 'ndjson', label: 'NDJSON' },
  { key: 'json', label: 'JSON' },
  { key: 'csv', label: 'CSV' },
];
const ENCODINGS: PayloadEncoding[] = ['utf8', 'base64', 'hex'];

/**
 * Exports the searched messages, with progress and cancel, then hands the file to the user: a
 * browser download in browser mode, the save dialog (then "Show in folder") on the desktop.
 */
export function HistoryExport() {
  const format = useHistoryStore((s) => s.exportFormat);
  const encoding = useHistoryStore((s) => s.exportEncoding);
  const decoded = useHistoryStore((s) => s.exportDecoded);
  const setOptions = useHistoryStore((s) => s.setExportOptions);
  const exporting = useHistoryStore((s) => s.exporting);
  const exportError = useHistoryStore((s) => s.exportError);
  const startExport = useHistoryStore((s) => s.startExport);
  const cancelExport = useHistoryStore((s) => s.cancelExport);
  const enabled = useHistoryStore((s) => s.status?.enabled ?? true);
  const delivered = useHistoryStore((s) => s.delivered);
  const saveAgain = useHistoryStore((s) => s.saveAgain);
  const running = exporting?.state === 'running';
  const percent = exporting && exporting.total > 0 ? Math.min(100, Math.round((exporting.written / exporting.total) * 100)) : 0;

  return (
    <section className="history-export" data-testid="history-export">
      <h3>Export the search</h3>
      <div className="segmented" role="group" aria-label="Format">
        {FORMATS.map((f) => (
          <button key={f.key} type="button" data-testid={`history-export-format-${f.key}`} aria-pressed={format === f.key} disabled={running} onClick={() => setOptions({ format: f.key })}>
            {f.label}
          </button>
        ))}
      </div>
      <label className="history-export-encoding">
        Payload as
        <select data-testid="history-export-encoding" value={encoding} disabled={running} onChange={(e) => setOptions({ encoding: e.target.value as PayloadEncoding })}>
          {ENCODINGS.map((e) => (
            <option key={e} value={e}>
              {e === 'utf8' ? 'UTF-8 text' : e}
            </option>
          ))}
        </select>
      </label>
      <label className="history-export-decoded" title="Beside each raw payload: the text the decoding rules make of it, the rule and the format (or why it did not decode)">
        <input type="checkbox" data-testid="history-export-decoded" checked={decoded} disabled={running} onChange={(e) => setOptions({ decoded: e.target.checked })} />
        Decoded column
      </label>
      <div className="history-export-actions">
        <button type="button" className="primary" data-testid="history-export-start" disabled={running || !enabled} onClick={() => void startExport()}>
          Export {FORMATS.find((f) => f.key === format)?.label}
        </button>
        {running && (
          <button type="button" className="danger" data-testid="history-export-cancel" onClick={() => void cancelExport()}>
            Cancel
          </button>
        )}
      </div>
      {exporting && (
        <div className="history-export-progress" data-testid="history-export-progress" data-state={exporting.state}>
          {running && <progress max={100} value={percent} data-testid="history-export-bar" />}
          <span data-testid="history-export-state">
            {exporting.state === 'running' && `Exporting… ${formatCount(exporting.written)} of ${formatCount(exporting.total)}`}
            {exporting.state === 'done' && `Done: ${formatCountOf(exporting.written, 'message')}, ${formatSize(exporting.bytes)}`}
            {exporting.state === 'cancelled' && 'Cancelled.'}
            {exporting.state === 'failed' && `Failed: ${exporting.error ?? 'unknown error'}`}
          </span>
          {exporting.state === 'done' && !delivered && (
            <span className="muted" data-testid="history-export-delivery" data-kind="pending">
              {savesWithDialog() ? 'Choose where to save it…' : 'Starting the download…'}
            </span>
          )}
          {exporting.state === 'done' && delivered && (
            <span className="history-export-delivery" data-testid="history-export-delivery" data-kind={delivered.kind}>
              {delivered.kind === 'downloaded' && (
                <>
                  Downloaded as <code data-testid="history-export-file">{delivered.fileName}</code> (see your browser's downloads)
                </>
              )}
              {delivered.kind === 'saved' && (
                <>
                  Saved as <code data-testid="history-export-file">{delivered.fileName}</code>{' '}
                  <button type="button" data-testid="history-export-show" onClick={() => showInFolder(delivered.savedId)}>
                    Show in folder
                  </button>
                </>
              )}
              {delivered.kind === 'cancelled' && (
                <>
                  Not saved.{' '}
                  <button type="button" data-testid="history-export-save-again" onClick={() => void saveAgain()}>
                    Save…
                  </button>
                </>
              )}
              {delivered.kind === 'failed' && <span className="field-problem">{delivered.message}</span>}
            </span>
          )}
        </div>
      )}
      {exportError && (
        <p className="field-problem" data-testid="history-export-error">
          {exportError.message}
        </p>
      )}
    </section>
  );
}
