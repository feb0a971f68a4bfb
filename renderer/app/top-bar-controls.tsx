import { useState } from 'react';
import { UI_STATE_KEYS } from '../../shared/contract';
import { useUiStore } from '../stores/ui-store';
import { TIME_FORMATS, type TimeFormat } from '../ui/clock';
import { readChoice, writeChoice } from '../ui/stored-choice';
import { THEME_PREFERENCES, type ThemePreference, useThemeStore } from '../ui/theme';

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


const TIME_LABELS: Record<TimeFormat, string> = { '24h': 'Time: 24-hour', locale: 'Time: as the OS' };

const THEME_LABELS: Record<ThemePreference, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** The launch setting, the time format, the theme picker and the shortcuts button, at the right of the top bar. */
export function TopBarControls() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const setHelpOpen = useUiStore((s) => s.setHelpOpen);
  const timeFormat = useUiStore((s) => s.timeFormat);
  const setTimeFormat = useUiStore((s) => s.setTimeFormat);
  return (
    <div className="topbar-controls">
      <ReconnectOnLaunch />
      <select
        aria-label="Time format"
        data-testid="time-format-select"
        value={timeFormat}
        title="How every time reads: 24-hour (15:17:41, 2026-12-07) or as the OS's language and region write it"
        onChange={(e) => setTimeFormat(e.target.value as TimeFormat)}
      >
        {TIME_FORMATS.map((f) => (
          <option key={f} value={f}>
            {TIME_LABELS[f]}
          </option>
        ))}
      </select>
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
