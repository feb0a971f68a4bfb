import { useUiStore } from '../stores/ui-store';
import { THEME_PREFERENCES, type ThemePreference, useThemeStore } from '../ui/theme';

const THEME_LABELS: Record<ThemePreference, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

/** The theme picker and the shortcuts button, at the right of the top bar. */
export function TopBarControls() {
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const setHelpOpen = useUiStore((s) => s.setHelpOpen);
  return (
    <div className="topbar-controls">
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
