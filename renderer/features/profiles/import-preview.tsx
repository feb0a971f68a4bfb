import { useEffect, useRef } from 'react';
import { IMPORT_FORMAT_NAMES, type ImportCandidate } from '../../../shared/contract';
import { useProfilesStore } from '../../stores/profiles-store';
import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import './import-preview.css';
import { versionLabel } from '../../../shared/mqtt/versions';


function CandidateRow({ candidate, action }: { candidate: ImportCandidate; action: 'update' | 'keep' | undefined }) {
  const { t } = useTranslation('profiles');
  const decide = useProfilesStore((s) => s.decideSameName);
  return (
    <tr data-testid="import-preview-row" data-name={candidate.name} data-existing={candidate.existing ? 'yes' : 'no'}>
      <td className="import-preview-name" title={candidate.folder ? `${candidate.folder}/${candidate.name}` : candidate.name}>
        {candidate.name}
      </td>
      <td className="import-preview-endpoint" data-testid="import-preview-endpoint" title={candidate.endpoint}>
        {candidate.endpoint}
      </td>
      <td data-testid="import-preview-version">{`MQTT ${versionLabel(candidate.protocolVersion)}`}</td>
      <td data-testid="import-preview-subscriptions">{t('preview.subscriptionCount', { count: candidate.subscriptions, n: formatNumber(candidate.subscriptions) })}</td>
      <td>
        {candidate.existing ? (
          <select
            data-testid="import-preview-action"
            aria-label={t('preview.existsLabel', { name: candidate.name, endpoint: candidate.existing.endpoint })}
            title={t('preview.existsTitle', { endpoint: candidate.existing.endpoint })}
            value={action ?? 'keep'}
            onChange={(e) => decide(candidate.index, e.target.value as 'update' | 'keep')}
          >
            <option value="keep">{t('preview.keepExisting')}</option>
            <option value="update">{t('preview.update')}</option>
          </select>
        ) : (
          <span className="muted">{t('preview.new')}</span>
        )}
      </td>
    </tr>
  );
}

/**
 * What a file will import, before anything is written: each profile's name, endpoint, MQTT version
 * and subscriptions, what is skipped and why, and for a name already taken whether that profile is
 * updated or kept (per profile or for all). Esc or Cancel writes nothing.
 */
export function ImportPreviewDialog() {
  const { t } = useTranslation('profiles');
  const pending = useProfilesStore((s) => s.pendingImport);
  const confirm = useProfilesStore((s) => s.confirmImport);
  const cancel = useProfilesStore((s) => s.cancelImport);
  const decide = useProfilesStore((s) => s.decideSameName);
  const dialog = useRef<HTMLElement>(null);
  const isOpen = pending !== null;

  useEffect(() => {
    if (!isOpen) return;
    // Focus moves into the dialog (and back when it closes); Esc cancels wherever focus is, since
    // the Import button may be disabled (nothing to write) and so never hold it.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      const state = useProfilesStore.getState();
      if (event.key === 'Escape' && state.pendingImport && !state.pendingImport.busy) {
        event.preventDefault();
        state.cancelImport();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      previous?.focus();
    };
  }, [isOpen]);

  if (!pending) return null;
  const { preview, decisions, busy } = pending;
  const taken = preview.candidates.filter((c) => c.existing);
  const updates = taken.filter((c) => decisions[c.index] === 'update').length;
  const created = preview.candidates.length - taken.length;
  const writes = created + updates;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && cancel()}>
      <section
        className="dialog import-preview"
        role="dialog"
        aria-modal="true"
        aria-label={t('preview.title')}
        data-testid="import-preview"
        ref={dialog}
        tabIndex={-1}
      >
        <header className="dialog-header">
          <h2>{t('preview.title')}</h2>
          <button type="button" className="icon-button" title={t('preview.cancelTitle')} aria-label={t('preview.cancel')} disabled={busy} onClick={cancel}>
            ×
          </button>
        </header>
        <p data-testid="import-preview-summary">
          <Trans
            t={t}
            i18nKey="preview.summary"
            count={preview.candidates.length}
            values={{
              format: IMPORT_FORMAT_NAMES[preview.format],
              n: formatNumber(preview.candidates.length),
              skipped: preview.skipped.length > 0 ? t('preview.skipped', { n: formatNumber(preview.skipped.length) }) : '',
            }}
            components={{ format: <strong data-testid="import-preview-format" /> }}
          />
        </p>
        {taken.length > 0 && (
          <div className="import-preview-same-name" data-testid="import-preview-same-name">
            <span>
              {t('preview.sameName', { count: taken.length, n: formatNumber(taken.length) })}
            </span>
            <span className="row-actions">
              <button type="button" className="small" data-testid="import-preview-update-all" onClick={() => decide(null, 'update')}>
                {t('preview.updateAll')}
              </button>
              <button type="button" className="small" data-testid="import-preview-keep-all" onClick={() => decide(null, 'keep')}>
                {t('preview.keepAll')}
              </button>
            </span>
          </div>
        )}
        <div className="dialog-body import-preview-body">
          <table className="import-preview-table">
            <thead>
              <tr>
                <th>{t('preview.name')}</th>
                <th>{t('preview.endpoint')}</th>
                <th>{t('preview.version')}</th>
                <th>{t('preview.subscriptions')}</th>
                <th>{t('preview.onImport')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.candidates.map((candidate) => (
                <CandidateRow key={candidate.index} candidate={candidate} action={decisions[candidate.index]} />
              ))}
            </tbody>
          </table>
          {preview.skipped.length > 0 && (
            <>
              <h3>{t('preview.notImported')}</h3>
              <ul className="report-lines" data-testid="import-preview-skipped">
                {preview.skipped.map((s, i) => (
                  <li key={i}>
                    <strong>{s.name}</strong>: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <footer className="dialog-footer">
          <span className="muted">
            {t('preview.totals', { count: created, n: formatNumber(created), updated: formatNumber(updates), kept: formatNumber(taken.length - updates) })}
          </span>
          <button type="button" data-testid="import-preview-cancel" disabled={busy} onClick={cancel}>
            {t('preview.cancel')}
          </button>
          <button type="button" className="primary" data-testid="import-preview-confirm" disabled={busy || writes === 0} onClick={() => void confirm()}>
            {busy ? t('preview.importing') : writes === 0 ? t('preview.nothing') : t('preview.confirm', { count: writes, n: formatNumber(writes) })}
          </button>
        </footer>
      </section>
    </div>
  );
}
