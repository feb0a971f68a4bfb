import { useUiStore } from '../stores/ui-store';
import { TIME_FORMATS, type TimeFormat } from '../ui/clock';
import { THEME_PREFERENCES, type ThemePreference, useThemeStore } from '../ui/theme';

const TIME_LABELS: Record<TimeFormat, string> = { '24h': 'Time: 24-hour', locale: 'Time: as the OS' };

const THEME_LABELS: Record<ThemePreference, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** The time format, the theme picker and the shortcuts button, at the right of the top bar. */
export function TopBarControls() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const setHelpOpen = useUiStore((s) => s.setHelpOpen);
  const timeFormat = useUiStore((s) => s.timeFormat);
  const setTimeFormat = useUiStore((s) => s.setTimeFormat);
  return (
    <div className="topbar-controls">
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
