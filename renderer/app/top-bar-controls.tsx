import { useEffect, useState } from 'react';
import { UI_STATE_KEYS } from '../../shared/contract';
import { useUiStore } from '../stores/ui-store';
import { TIME_FORMATS, type TimeFormat } from '../ui/clock';
import { LANGUAGE_CHOICES, LANGUAGE_NAMES, type LanguageChoice, languageChoice, setLanguageChoice, useTranslation } from '../ui/i18n';
import { monacoLanguage } from '../ui/monaco-language';
import { onChoicesChanged, readChoice, writeChoice } from '../ui/stored-choice';
import { THEME_PREFERENCES, type ThemePreference, useThemeStore } from '../ui/theme';

/**
 * Whether a launch reconnects the saved profiles that were connected when the workbench last
 * stopped (the core reads it from the data folder). On by default: a restart is rarely the user's
 * choice (an update, a crash, a reboot), and those connections were live by their choice a moment
 * before; "connect on launch" in a profile is for those wanted always.
 */
function ReconnectOnLaunch() {
  const { t } = useTranslation('app');
  const read = () => readChoice(UI_STATE_KEYS.reconnectOnLaunch, ['on', 'off'], 'on') === 'on';
  const [on, setOn] = useState(read);
  // The host's UI state came in after the first render with another choice: show it.
  useEffect(() => onChoicesChanged([UI_STATE_KEYS.reconnectOnLaunch], () => setOn(read())), []);
  return (
    <label className="checkbox" title={t('topBar.reconnectOnLaunchTitle')}>
      <input
        type="checkbox"
        data-testid="reconnect-on-launch"
        checked={on}
        onChange={(e) => {
          setOn(e.target.checked);
          writeChoice(UI_STATE_KEYS.reconnectOnLaunch, e.target.checked ? 'on' : 'off');
        }}
      />
      {t('topBar.reconnectOnLaunch')}
    </label>
  );
}


const TIME_LABELS = { '24h': 'topBar.time24h', locale: 'topBar.timeLocale' } as const satisfies Record<TimeFormat, string>;

const THEME_LABELS = { system: 'topBar.themeSystem', light: 'topBar.themeLight', dark: 'topBar.themeDark' } as const satisfies Record<ThemePreference, string>;

/** The UI language: the OS's, or one chosen here (each name written in its own language). */
function LanguageSelect() {
  const { t, i18n } = useTranslation('common');
  const [choice, setChoice] = useState<LanguageChoice>(languageChoice);
  // Monaco takes its messages once, when it loads: after a switch its menus keep the old language.
  const monaco = monacoLanguage();
  const title = monaco && monaco !== i18n.language ? `${t('languageTitle')}\n${t('languageEditorsLater')}` : t('languageTitle');
  // The host's UI state came in after the first render with another choice: show it.
  useEffect(() => onChoicesChanged([UI_STATE_KEYS.language], () => setChoice(languageChoice())), []);
  return (
    <select
      aria-label={t('language')}
      data-testid="language-select"
      value={choice}
      title={title}
      onChange={(e) => {
        const next = e.target.value as LanguageChoice;
        setChoice(next);
        setLanguageChoice(next);
      }}
    >
      {LANGUAGE_CHOICES.map((c) => (
        <option key={c} value={c}>
          {c === 'system' ? t('languageSystem') : LANGUAGE_NAMES[c]}
        </option>
      ))}
    </select>
  );
}

/** The launch setting, the time format, the theme picker and the shortcuts button, at the right of the top bar. */
export function TopBarControls() {
  const { t } = useTranslation('app');
  const preference = useThemeStore((s) => s.preference);
  const setPreference = useThemeStore((s) => s.setPreference);
  const setHelpOpen = useUiStore((s) => s.setHelpOpen);
  const timeFormat = useUiStore((s) => s.timeFormat);
  const setTimeFormat = useUiStore((s) => s.setTimeFormat);
  return (
    <div className="topbar-controls">
      <ReconnectOnLaunch />
      <select
        aria-label={t('topBar.timeFormat')}
        data-testid="time-format-select"
        value={timeFormat}
        title={t('topBar.timeFormatTitle')}
        onChange={(e) => setTimeFormat(e.target.value as TimeFormat)}
      >
        {TIME_FORMATS.map((f) => (
          <option key={f} value={f}>
            {t(TIME_LABELS[f])}
          </option>
        ))}
      </select>
      <LanguageSelect />
      <select aria-label={t('topBar.theme')} data-testid="theme-select" value={preference} title={t('topBar.themeTitle')} onChange={(e) => setPreference(e.target.value as ThemePreference)}>
        {THEME_PREFERENCES.map((p) => (
          <option key={p} value={p}>
            {t(THEME_LABELS[p])}
          </option>
        ))}
      </select>
      <button type="button" className="icon-button" data-testid="help-button" title={t('topBar.shortcutsTitle')} aria-label={t('topBar.shortcuts')} onClick={() => setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}
