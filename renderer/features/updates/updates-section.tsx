import { useEffect, useRef } from 'react';
import type { UpdateState } from '../../../shared/contract';
import { useUiStore } from '../../stores/ui-store';
import { useUpdatesStore } from '../../stores/updates-store';
import { formatDateTime } from '../../ui/clock';
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
export function updateStatusText(state: UpdateState): string {
  switch (state.status) {
    case 'idle':
      return 'Not checked yet.';
    case 'checking':
      return 'Checking GitHub releases…';
    case 'not-available':
      return 'This is the latest version.';
    case 'available':
      return `Version ${state.version} is available.`;
    case 'downloading':
      return `Downloading version ${state.version}… ${Math.floor(state.progress?.percent ?? 0)}%`;
    case 'downloaded':
      return `Version ${state.version} is downloaded and installs when the app restarts.`;
    case 'error':
      return `The update failed: ${state.message ?? 'unknown error'}`;
    case 'unsupported':
      return state.message ?? 'This installation cannot update itself.';
  }
}

/** The top bar's entry to the Updates section; desktop app only. */
export function UpdatesButton() {
  const loaded = useUpdatesLoaded();
  const ready = useUpdatesStore((s) => s.state?.status === 'downloaded');
  const setPanelOpen = useUpdatesStore((s) => s.setPanelOpen);
  if (!loaded) return null;
  return (
    <button type="button" className="small" data-testid="updates-button" title="Updates of MQTT Workbench" onClick={() => setPanelOpen(true)}>
      {ready ? 'Update ready' : 'Updates'}
    </button>
  );
}

/**
 * Under the top bar: the one question asked on first launch, and an update waiting for a restart.
 * Nothing contacts GitHub before the user answers yes (or checks by hand).
 */
export function UpdatesPrompt() {
  const loaded = useUpdatesLoaded();
  const settings = useUpdatesStore((s) => s.settings);
  const state = useUpdatesStore((s) => s.state);
  const changeSettings = useUpdatesStore((s) => s.changeSettings);
  const restartToUpdate = useUpdatesStore((s) => s.restartToUpdate);
  if (!loaded || !settings || !state) return null;
  if (state.status === 'downloaded') {
    return (
      <div className="host-banner updates-prompt" role="status" data-testid="updates-ready">
        Version {state.version} is ready.
        <button type="button" className="small" data-testid="updates-restart" onClick={() => void restartToUpdate()}>
          Restart to update
        </button>
      </div>
    );
  }
  if (settings.autoCheck !== 'ask' || state.status === 'unsupported') return null;
  return (
    <div className="host-banner updates-prompt" role="status" data-testid="updates-ask">
      Check for updates automatically? MQTT Workbench then asks GitHub for new releases every few hours; nothing else is sent.
      <button type="button" className="small" data-testid="updates-ask-yes" onClick={() => void changeSettings({ autoCheck: 'on' })}>
        Yes
      </button>
      <button type="button" className="small" data-testid="updates-ask-no" onClick={() => void changeSettings({ autoCheck: 'off' })}>
        No
      </button>
    </div>
  );
}

/** The Updates section: what is new, check, download, restart, and the two settings. */
export function UpdatesPanel() {
  const open = useUpdatesStore((s) => s.panelOpen);
  const setOpen = useUpdatesStore((s) => s.setPanelOpen);
  const state = useUpdatesStore((s) => s.state);
  const settings = useUpdatesStore((s) => s.settings);
  const problem = useUpdatesStore((s) => s.problem);
  const { changeSettings, check, download, restartToUpdate } = useUpdatesStore.getState();
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => previous?.focus();
  }, [open]);

  if (!open || !state || !settings) return null;
  const busy = state.status === 'checking' || state.status === 'downloading';
  const metered = state.heldBack === 'metered';
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section
        className="dialog updates-panel"
        role="dialog"
        aria-modal="true"
        aria-label="Updates"
        data-testid="updates-panel"
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      >
        <header className="dialog-header">
          <h2>Updates</h2>
          <button ref={closeButton} type="button" className="icon-button" title="Close (Esc)" aria-label="Close" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <div className="dialog-body">
          <div>
            MQTT Workbench {state.currentVersion}.{' '}
            <span data-testid="updates-status">{updateStatusText(state)}</span>
            {state.lastCheckedAt !== undefined && <span className="muted"> Last checked {formatDateTime(state.lastCheckedAt)}.</span>}
          </div>
          {state.status === 'downloading' && <progress data-testid="updates-progress" max={100} value={state.progress?.percent ?? 0} />}
          {state.releaseNotes && (state.status === 'available' || state.status === 'downloading' || state.status === 'downloaded') && (
            <>
              <strong>{state.releaseName ?? `What is new in ${state.version}`}</strong>
              <pre className="updates-notes" data-testid="updates-notes">
                {state.releaseNotes}
              </pre>
            </>
          )}
          {metered && (
            <div className="warning-text" data-testid="updates-metered">
              This connection is metered, so nothing was {state.status === 'available' ? 'downloaded' : 'checked'}.
            </div>
          )}
          {problem && <div className="warning-text" data-testid="updates-problem">{problem}</div>}
          {state.status !== 'unsupported' && (
            <div className="updates-actions">
              {state.status === 'downloaded' ? (
                <button type="button" data-testid="updates-restart-now" onClick={() => void restartToUpdate()}>
                  Restart to update
                </button>
              ) : state.status === 'available' ? (
                <button type="button" data-testid="updates-download" onClick={() => void download(metered)}>
                  {metered ? 'Download anyway' : 'Download'}
                </button>
              ) : (
                <button type="button" data-testid="updates-check" disabled={busy} onClick={() => void check(metered)}>
                  {metered ? 'Check anyway' : 'Check now'}
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
                Check for updates automatically (and download them in the background)
              </label>
              <label className="checkbox">
                <input type="checkbox" data-testid="updates-metered-allowed" checked={settings.allowMetered} onChange={(e) => void changeSettings({ allowMetered: e.target.checked })} />
                Also on metered connections
              </label>
            </>
          )}
          <p className="muted">Updates come from the project's GitHub releases, only when allowed here or asked for. The app sends no telemetry.</p>
        </div>
      </section>
    </div>
  );
}
