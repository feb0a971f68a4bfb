import { useState } from 'react';
import { UI_STATE_KEYS } from '../../shared/contract';
import { useUiStore } from '../stores/ui-store';
import { readChoice, writeChoice } from '../ui/stored-choice';
import { THEME_PREFERENCES, type ThemePreference, useThemeStore } from './theme';

const THEME_LABELS: Record<ThemePreference, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/**
 * Whether a launch reconnects the saved profiles that were connected when the workbench last
 * stopped (the core reads it from the data folder). On by default: a restart is rarely the user's
 * choice (an update, a crash, a reboot), and those connections were live by their choice a moment
 * before; "connect on launch" in a profile is for those wanted always.
 */
function ReconnectOnLaunch() {
  const [on, setOn] = useState(() => readChoice(UI_STATE_KEYS.reconnectOnLaunch, ['on', 'off'], 'on') === 'on');
  return (
    <label className="checkbox" title="When the workbench starts again, reconnect the saved connections that were connected when it stopped (their tabs come back either way)">
      <input
        type="checkbox"
        data-testid="reconnect-on-launch"
        checked={on}
        onChange={(e) => {
          setOn(e.target.checked);
          writeChoice(UI_STATE_KEYS.reconnectOnLaunch, e.target.checked ? 'on' : 'off');
        }}
      />
      Reconnect on launch
    </label>
  );
}

/** The launch setting, the theme picker and the shortcuts button, at the right of the top bar. */
export function TopBarControls() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const setHelpOpen = useUiStore((s) => s.setHelpOpen);
  return (
    <div className="topbar-controls">
      <ReconnectOnLaunch />
      <select aria-label="Theme" data-testid="theme-select" value={preference} title="Light or dark, or follow the OS" onChange={(e) => setPreference(e.target.value as ThemePreference)}>
        {THEME_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {THEME_LABELS[p]}
          </option>
        ))}
      </select>
      <button type="button" className="icon-button" data-testid="help-button" title="Keyboard shortcuts (? or F1)" aria-label="Keyboard shortcuts" onClick={() => setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}
