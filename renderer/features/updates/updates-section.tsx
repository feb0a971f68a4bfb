import { useEffect } from 'react';
import { useFocusWhileOpen } from '../../ui/use-focus-while-open';
import type { UpdateState } from '../../../shared/contract';
import { useUiStore } from '../../stores/ui-store';
import { useUpdatesStore } from '../../stores/updates-store';
import { formatDateTime } from '../../ui/clock';
import type { TFunction } from 'i18next';
import { useTranslation } from '../../ui/i18n';
import './updates.css';

/** Asks once which updates exist here (none in browser mode), once the core answers. */
function useUpdatesLoaded(): boolean {
  const linkOpen = useUiStore((s) => s.hostLink.state === 'open');
  const available = useUpdatesStore((s) => s.available);
  const load = useUpdatesStore((s) => s.load);
  useEffect(() => {
    if (linkOpen && available === null) void load();
  }, [linkOpen, available, load]);
  return available === true;
}

/** One line on where updating stands. */
export function updateStatusText(state: UpdateState, t: TFunction<'app'>): string {
  const version = state.version ?? '';
  switch (state.status) {
    case 'idle':
      return t('updates.statusIdle');
    case 'checking':
      return t('updates.statusChecking');
    case 'not-available':
      return t('updates.statusNotAvailable');
    case 'available':
      return t('updates.statusAvailable', { version });
    case 'downloading':
      return t('updates.statusDownloading', { version, percent: String(Math.floor(state.progress?.percent ?? 0)) });
    case 'downloaded':
      return t('updates.statusDownloaded', { version });
    case 'error':
      return t('updates.statusError', { message: state.message ?? t('updates.unknownError') });
    case 'unsupported':
      // Said by the desktop shell, which has no catalog.
      return state.message ?? t('updates.statusUnsupported');
  }
}

/** The top bar's entry to the Updates section; desktop app only. */
export function UpdatesButton() {
  const { t } = useTranslation('app');
  const loaded = useUpdatesLoaded();
  const ready = useUpdatesStore((s) => s.state?.status === 'downloaded');
  const setPanelOpen = useUpdatesStore((s) => s.setPanelOpen);
  if (!loaded) return null;
  return (
    <button type="button" className="small" data-testid="updates-button" title={t('updates.buttonTitle')} onClick={() => setPanelOpen(true)}>
      {ready ? t('updates.buttonReady') : t('updates.button')}
    </button>
  );
}

/**
 * Under the top bar: the one question asked on first launch, and an update waiting for a restart.
 * Nothing contacts GitHub before the user answers yes (or checks by hand).
 */
export function UpdatesPrompt() {
  const { t } = useTranslation('app');
  const loaded = useUpdatesLoaded();
  const settings = useUpdatesStore((s) => s.settings);
  const state = useUpdatesStore((s) => s.state);
  const changeSettings = useUpdatesStore((s) => s.changeSettings);
  const restartToUpdate = useUpdatesStore((s) => s.restartToUpdate);
  if (!loaded || !settings || !state) return null;
  if (state.status === 'downloaded') {
    return (
      <div className="host-banner updates-prompt" role="status" data-testid="updates-ready">
        {t('updates.ready', { version: state.version ?? '' })}
        <button type="button" className="small" data-testid="updates-restart" onClick={() => void restartToUpdate()}>
          {t('updates.restart')}
        </button>
      </div>
    );
  }
  if (settings.autoCheck !== 'ask' || state.status === 'unsupported') return null;
  return (
    <div className="host-banner updates-prompt" role="status" data-testid="updates-ask">
      {t('updates.ask')}
      <button type="button" className="small" data-testid="updates-ask-yes" onClick={() => void changeSettings({ autoCheck: 'on' })}>
        {t('updates.yes')}
      </button>
      <button type="button" className="small" data-testid="updates-ask-no" onClick={() => void changeSettings({ autoCheck: 'off' })}>
        {t('updates.no')}
      </button>
    </div>
  );
}

/** The Updates section: what is new, check, download, restart, and the two settings. */
export function UpdatesPanel() {
  const { t } = useTranslation('app');
  const open = useUpdatesStore((s) => s.panelOpen);
  const setOpen = useUpdatesStore((s) => s.setPanelOpen);
  const state = useUpdatesStore((s) => s.state);
  const settings = useUpdatesStore((s) => s.settings);
  const problem = useUpdatesStore((s) => s.problem);
  const { changeSettings, check, download, restartToUpdate } = useUpdatesStore.getState();
  const closeButton = useFocusWhileOpen<HTMLButtonElement>(open);

  if (!open || !state || !settings) return null;
  const busy = state.status === 'checking' || state.status === 'downloading';
  const metered = state.heldBack === 'metered';
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section
        className="dialog updates-panel"
        role="dialog"
        aria-modal="true"
        aria-label={t('updates.title')}
        data-testid="updates-panel"
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      >
        <header className="dialog-header">
          <h2>{t('updates.title')}</h2>
          <button ref={closeButton} type="button" className="icon-button" title={t('updates.closeTitle')} aria-label={t('updates.close')} onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <div className="dialog-body">
          <div>
            {t('updates.current', { version: state.currentVersion })}{' '}
            <span data-testid="updates-status">{updateStatusText(state, t)}</span>
            {state.lastCheckedAt !== undefined && <span className="muted"> {t('updates.lastChecked', { time: formatDateTime(state.lastCheckedAt) })}</span>}
          </div>
          {state.status === 'downloading' && <progress data-testid="updates-progress" max={100} value={state.progress?.percent ?? 0} />}
          {state.releaseNotes && (state.status === 'available' || state.status === 'downloading' || state.status === 'downloaded') && (
            <>
              <strong>{state.releaseName ?? t('updates.whatsNew', { version: state.version ?? '' })}</strong>
              <pre className="updates-notes" data-testid="updates-notes">
                {state.releaseNotes}
              </pre>
            </>
          )}
          {metered && (
            <div className="warning-text" data-testid="updates-metered">
              {state.status === 'available' ? t('updates.meteredNotDownloaded') : t('updates.meteredNotChecked')}
            </div>
          )}
          {problem && <div className="warning-text" data-testid="updates-problem">{problem}</div>}
          {state.status !== 'unsupported' && (
            <div className="updates-actions">
              {state.status === 'downloaded' ? (
                <button type="button" data-testid="updates-restart-now" onClick={() => void restartToUpdate()}>
                  {t('updates.restart')}
                </button>
              ) : state.status === 'available' ? (
                <button type="button" data-testid="updates-download" onClick={() => void download(metered)}>
                  {metered ? t('updates.downloadAnyway') : t('updates.download')}
                </button>
              ) : (
                <button type="button" data-testid="updates-check" disabled={busy} onClick={() => void check(metered)}>
                  {metered ? t('updates.checkAnyway') : t('updates.checkNow')}
                </button>
              )}
            </div>
          )}
          {state.status !== 'unsupported' && (
            <>
              <label className="checkbox">
                <input
                  type="checkbox"
                  data-testid="updates-auto"
                  checked={settings.autoCheck === 'on'}
                  onChange={(e) => void changeSettings({ autoCheck: e.target.checked ? 'on' : 'off' })}
                />
                {t('updates.autoCheck')}
              </label>
              <label className="checkbox">
                <input type="checkbox" data-testid="updates-metered-allowed" checked={settings.allowMetered} onChange={(e) => void changeSettings({ allowMetered: e.target.checked })} />
                {t('updates.allowMetered')}
              </label>
            </>
          )}
          <p className="muted">{t('updates.privacy')}</p>
        </div>
      </section>
    </div>
  );
}
