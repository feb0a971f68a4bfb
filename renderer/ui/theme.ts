import { create } from 'zustand';
import { onChoicesChanged, readChoice, writeChoice } from './stored-choice';

/** What the user picked: follow the OS, or force one. */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

const STORAGE_KEY = 'workbench.theme';
const osDark = window.matchMedia('(prefers-color-scheme: dark)');

function readPreference(): ThemePreference {
  // Storage can be disabled; the OS scheme is a fine default.
  return readChoice(STORAGE_KEY, THEME_PREFERENCES, 'system');
}

function resolve(preference: ThemePreference): Theme {
  if (preference !== 'system') return preference;
  return osDark.matches ? 'dark' : 'light';
}

/** The CSS picks its palette from `data-theme` on <html>; form controls follow `color-scheme`. */
function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

interface ThemeState {
  preference: ThemePreference;
  theme: Theme;
  setPreference(preference: ThemePreference): void;
}

export const useThemeStore = create<ThemeState>()((set) => ({
  preference: readPreference(),
  theme: resolve(readPreference()),
  setPreference(preference) {
    writeChoice(STORAGE_KEY, preference);
    set({ preference, theme: resolve(preference) });
  },
}));

// The host's UI state came in after the first render with another choice: follow it.
onChoicesChanged([STORAGE_KEY], () => {
  const preference = readPreference();
  useThemeStore.setState({ preference, theme: resolve(preference) });
});

/** Applies the theme now and whenever the preference or the OS scheme changes. Call once, before the first render. */
export function startTheme(): () => void {
  apply(useThemeStore.getState().theme);
  const unsubscribe = useThemeStore.subscribe((state, previous) => {
    if (state.theme !== previous.theme) apply(state.theme);
  });
  const onOsChange = () => {
    const { preference, theme } = useThemeStore.getState();
    const next = resolve(preference);
    if (next !== theme) useThemeStore.setState({ theme: next });
  };
  osDark.addEventListener('change', onOsChange);
  return () => {
    unsubscribe();
    osDark.removeEventListener('change', onOsChange);
  };
}

/** True when the dark palette is in use: for what CSS cannot reach (Monaco's theme, canvas charts). */
export function useDarkMode(): boolean {
  return useThemeStore((s) => s.theme === 'dark');
}
