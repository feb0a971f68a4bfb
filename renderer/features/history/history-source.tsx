import { useEffect, useState } from 'react';
import { type HistorySourceTest, type PostgresTlsMode, type WorkbenchError, postgresUrlProblem } from '../../../shared/contract';
import { Field } from '../../ui/field';
import { type PickedFile, FileInput } from '../../ui/file-input';
import { MiddleCut } from '../../ui/middle-cut';
import { useHistorySourceStore } from '../../stores/history-source-store';
import { useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** A PEM's first line: the same in every language. */
const PEM_PLACEHOLDER = '-----BEGIN CERTIFICATE-----';
const TLS_MODES: readonly PostgresTlsMode[] = ['disable', 'require', 'verify-full'];

function isError(value: HistorySourceTest | WorkbenchError): value is WorkbenchError {
  return 'code' in value;
}

/** What a Test said: the server, whether the role may write, TimescaleDB. */
function TestOutcome({ outcome }: { outcome: HistorySourceTest | WorkbenchError }) {
  const { t } = useTranslation('history');
  if (isError(outcome) || !outcome.ok) {
    return (
      <p className="field-problem" data-testid="history-source-test-result" data-ok="false">
        {isError(outcome) ? outcome.message : outcome.error}
      </p>
    );
  }
  return (
    <p className="muted" data-testid="history-source-test-result" data-ok="true" data-can-write={outcome.canWrite}>
      {t('source.connected', { version: outcome.serverVersion ?? '' })}
      {outcome.canWrite ? t('source.mayWrite') : t('source.readOnlyRole')}
      {t('source.timescale')}
      {outcome.timescaleDb === 'installed' ? t('source.timescaleInstalled') : outcome.timescaleDb === 'available' ? t('source.timescaleAvailable') : t('source.timescaleAbsent')}
    </p>
  );
}

/** A team database: its URL (no password inside), the password (write-only), TLS and a CA. */
function TeamDatabaseDialog() {
  const { t } = useTranslation('history');
  const view = useHistorySourceStore((s) => s.view);
  const openDialog = useHistorySourceStore((s) => s.openDialog);
  const choose = useHistorySourceStore((s) => s.choose);
  const test = useHistorySourceStore((s) => s.test);
  const current = view?.kind === 'postgres' ? view : null;
  const [url, setUrl] = useState(current?.url ?? '');
  const [password, setPassword] = useState('');
  const [mode, setMode] = useState<PostgresTlsMode>(current?.tls.mode ?? 'disable');
  const [ca, setCa] = useState<string | null>(null);
  const [caFiles, setCaFiles] = useState<PickedFile[]>([]);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [outcome, setOutcome] = useState<HistorySourceTest | WorkbenchError | null>(null);
  const [error, setError] = useState<WorkbenchError | null>(null);
  const close = () => openDialog(false);

  useEffect(() => {
    const onEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) close();
    };
    window.addEventListener('keydown', onEscape);
    return () => window.removeEventListener('keydown', onEscape);
  });

  const urlProblem = url.trim() ? postgresUrlProblem(url.trim()) : t('source.urlRequired');
  // An empty password field keeps the stored one (of the same URL): it is never shown.
  const input = () => ({
    kind: 'postgres' as const,
    url: url.trim(),
    ...(password ? { password } : {}),
    tls: { mode, ...(ca !== null ? { ca } : {}) },
  });
  const run = async (what: 'test' | 'save') => {
    setTried(true);
    if (urlProblem) return;
    setBusy(what);
    setError(null);
    if (what === 'test') setOutcome(await test(input()));
    else {
      const failure = await choose(input());
      if (failure) setError(failure);
      else close();
    }
    setBusy(null);
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog history-source-dialog" role="dialog" aria-modal="true" aria-label={t('source.dialogLabel')} data-testid="history-source-dialog">
        <header className="dialog-header">
          <h2>{t('source.dialogTitle')}</h2>
          <button type="button" className="icon-button" title={t('source.closeTitle')} aria-label={t('close')} onClick={close}>
            ×
          </button>
        </header>
        <div className="dialog-body history-source-fields">
          <p className="muted">
            {t('source.intro')}
          </p>
          <Field label={t('source.url')} problem={tried ? urlProblem : undefined} testId="history-source-url" hint={t('source.urlHint')}>
            <input data-testid="history-source-url" value={url} spellCheck={false} placeholder="postgres://user@db.example.com:5432/mqtt" onChange={(e) => setUrl(e.target.value)} />
          </Field>
          <Field label={t('source.password')} hint={current?.hasPassword ? t('source.passwordStored') : t('source.passwordKept')}>
            <input data-testid="history-source-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <Field label={t('source.tlsLabel')}>
            <select data-testid="history-source-tls" value={mode} onChange={(e) => setMode(e.target.value as PostgresTlsMode)}>
              {TLS_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`source.tls.${m}`)}
                </option>
              ))}
            </select>
          </Field>
          {mode === 'verify-full' && (
            <Field label={t('source.ca')} hint={current?.tls.hasCa && ca === null ? t('source.caStored') : t('source.caSystem')}>
              <textarea data-testid="history-source-ca" rows={4} spellCheck={false} value={ca ?? ''} placeholder={PEM_PLACEHOLDER} onChange={(e) => setCa(e.target.value)} />
              <FileInput
                testId="history-source-ca-file"
                accept=".pem,.crt,.cer"
                files={caFiles}
                onChange={(files) => {
                  setCaFiles(files);
                  if (files[0]) setCa(new TextDecoder().decode(files[0].bytes));
                }}
              />
            </Field>
          )}
          {outcome && <TestOutcome outcome={outcome} />}
        </div>
        {error && (
          <div className="error-box" role="alert" data-testid="history-source-error">
            {/* In English the field's own problem reads best, as before; other languages get the translated sentence with it. */}
            <strong>{error.code}</strong> {describeError(error.details?.[0] ? { ...error, message: error.details[0].message } : error)}
          </div>
        )}
        <footer className="dialog-footer">
          <span className="muted">{t('source.escCloses')}</span>
          <button type="button" data-testid="history-source-test" disabled={busy !== null} onClick={() => void run('test')}>
            {busy === 'test' ? t('source.testing') : t('source.test')}
          </button>
          <button type="button" onClick={close}>
            {t('cancel')}
          </button>
          <button type="button" className="primary" data-testid="history-source-save" disabled={busy !== null} onClick={() => void run('save')}>
            {busy === 'save' ? t('source.connecting') : t('source.use')}
          </button>
        </footer>
      </div>
    </div>
  );
}

/** Where History keeps messages: this computer or a team database, its state, and a way to switch. */
export function HistorySourceControl() {
  const { t } = useTranslation('history');
  const view = useHistorySourceStore((s) => s.view);
  const loadError = useHistorySourceStore((s) => s.loadError);
  const dialogOpen = useHistorySourceStore((s) => s.dialogOpen);
  const openDialog = useHistorySourceStore((s) => s.openDialog);
  const choose = useHistorySourceStore((s) => s.choose);
  const [error, setError] = useState<WorkbenchError | null>(null);
  const team = view?.kind === 'postgres' ? view : null;

  return (
    <section className="history-export history-source" data-testid="history-source" data-kind={view?.kind} data-state={team?.state} data-read-only={team?.readOnly === true}>
      <h3>{t('source.title')}</h3>
      <div className="history-source-choice" role="radiogroup" aria-label={t('source.label')}>
        <button
          type="button"
          role="radio"
          aria-checked={view?.kind === 'local'}
          className={view?.kind === 'local' ? 'primary' : ''}
          data-testid="history-source-local"
          disabled={!view}
          onClick={() => {
            if (view?.kind === 'local') return;
            setError(null);
            void choose({ kind: 'local' }).then(setError);
          }}
        >
          {t('source.local')}
        </button>
        <button type="button" role="radio" aria-checked={!!team} className={team ? 'primary' : ''} data-testid="history-source-team" disabled={!view} onClick={() => openDialog(true)}>
          {t('source.team')}
        </button>
      </div>
      {team && (
        <div className="history-source-current" data-testid="history-source-current">
          <span className="history-source-line">
            <span className={`status-dot status-${team.state === 'failed' ? 'disconnected' : team.state}`} aria-hidden="true" />
            <MiddleCut className="history-source-url" text={team.url} testId="history-source-url-shown" />
          </span>
          <span className="history-source-line muted">
            {t(`source.state.${team.state}`)}
            {team.tls.mode !== 'disable' && t('source.tlsOn')}
            {team.readOnly && (
              <span className="history-badge" data-testid="history-source-read-only" title={t('source.readOnlyTitle')}>
                {t('source.readOnly')}
              </span>
            )}
          </span>
        </div>
      )}
      {team?.error && <p className="field-problem">{team.error}</p>}
      {(error ?? loadError) && (
        <p className="field-problem" role="alert">
          {describeError((error ?? loadError)!)}
        </p>
      )}
      {dialogOpen && <TeamDatabaseDialog />}
    </section>
  );
}
