import type { ExportFormat, PayloadEncoding } from '../../../shared/contract';
import { useHistoryStore } from '../../stores/history-store';
import { deliveryFailure, savesWithDialog, showInFolder } from '../../stores/downloads';
import { formatSize } from './history-status';
import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

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
  const { t } = useTranslation('history');
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
      <h3>{t('export.title')}</h3>
      <div className="segmented" role="group" aria-label={t('export.format')}>
        {FORMATS.map((f) => (
          <button key={f.key} type="button" data-testid={`history-export-format-${f.key}`} aria-pressed={format === f.key} disabled={running} onClick={() => setOptions({ format: f.key })}>
            {f.label}
          </button>
        ))}
      </div>
      <label className="history-export-encoding">
        {t('export.payloadAs')}
        <select data-testid="history-export-encoding" value={encoding} disabled={running} onChange={(e) => setOptions({ encoding: e.target.value as PayloadEncoding })}>
          {ENCODINGS.map((e) => (
            <option key={e} value={e}>
              {e === 'utf8' ? t('export.utf8') : e}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox history-export-decoded" title={t('export.decodedTitle')}>
        <input type="checkbox" data-testid="history-export-decoded" checked={decoded} disabled={running} onChange={(e) => setOptions({ decoded: e.target.checked })} />
        {t('export.decoded')}
      </label>
      <div className="history-export-actions">
        <button type="button" className="primary" data-testid="history-export-start" disabled={running || !enabled} onClick={() => void startExport()}>
          {t('export.start', { format: FORMATS.find((f) => f.key === format)?.label ?? format })}
        </button>
        {running && (
          <button type="button" className="danger" data-testid="history-export-cancel" onClick={() => void cancelExport()}>
            {t('cancel')}
          </button>
        )}
      </div>
      {exporting && (
        <div className="history-export-progress" data-testid="history-export-progress" data-state={exporting.state}>
          {running && <progress max={100} value={percent} data-testid="history-export-bar" />}
          <span data-testid="history-export-state">
            {exporting.state === 'running' && t('export.running', { written: formatNumber(exporting.written), total: formatNumber(exporting.total) })}
            {exporting.state === 'done' && t('export.done', { count: exporting.written, size: formatSize(exporting.bytes) })}
            {exporting.state === 'cancelled' && t('export.cancelled')}
            {exporting.state === 'failed' && t('export.failed', { error: exporting.error ?? t('unknownError') })}
          </span>
          {exporting.state === 'done' && !delivered && (
            <span className="muted" data-testid="history-export-delivery" data-kind="pending">
              {savesWithDialog() ? t('export.chooseWhere') : t('export.startingDownload')}
            </span>
          )}
          {exporting.state === 'done' && delivered && (
            <span className="history-export-delivery" data-testid="history-export-delivery" data-kind={delivered.kind}>
              {delivered.kind === 'downloaded' && (
                <Trans t={t} i18nKey="export.downloaded" components={{ file: <code data-testid="history-export-file">{delivered.fileName}</code> }} />
              )}
              {delivered.kind === 'saved' && (
                <>
                  <Trans t={t} i18nKey="export.saved" components={{ file: <code data-testid="history-export-file">{delivered.fileName}</code> }} />{' '}
                  <button type="button" data-testid="history-export-show" onClick={() => showInFolder(delivered.savedId)}>
                    {t('export.showInFolder')}
                  </button>
                </>
              )}
              {delivered.kind === 'cancelled' && (
                <>
                  {t('export.notSaved')}{' '}
                  <button type="button" data-testid="history-export-save-again" onClick={() => void saveAgain()}>
                    {t('export.saveAgain')}
                  </button>
                </>
              )}
              {delivered.kind === 'failed' && <span className="field-problem">{deliveryFailure(delivered)}</span>}
            </span>
          )}
        </div>
      )}
      {exportError && (
        <p className="field-problem" data-testid="history-export-error">
          {describeError(exportError)}
        </p>
      )}
    </section>
  );
}
