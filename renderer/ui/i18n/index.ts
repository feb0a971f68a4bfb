/**
 * The one i18n layer of the page (issue 20, "Languages"): every user-facing string comes from a
 * catalog in ./locales through i18next, numbers and dates through Intl in the chosen language.
 * English is the source; Simplified Chinese has the same keys (checked by type and by test).
 * The language is the user's choice (a setting remembered like the theme) or, by default, the
 * OS's: in Electron and in a browser navigator.languages follows it.
 *
 * Components: `const { t } = useTranslation('publish')` from this module (importing it here, not
 * from 'react-i18next', makes sure the instance is ready). Code outside React: `translate('publish:send')`.
 * The lint (eslint-plugin-i18next) refuses a literal user-facing string written in JSX.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, LANGUAGE_CHOICES, type Language, type LanguageChoice, resolveLanguage, systemLanguage as osLanguage } from '../../../shared/languages';
import { UI_STATE_KEYS } from '../../../shared/contract/app';
import { onChoicesChanged, readChoice, writeChoice } from '../stored-choice';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

export { Trans, useTranslation } from 'react-i18next';

export { LANGUAGES, LANGUAGE_CHOICES, type Language, type LanguageChoice } from '../../../shared/languages';
/** Each language's name as its readers write it (the language menu shows these untranslated). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

const LANGUAGE_KEY = UI_STATE_KEYS.language;
/** The page's globals, absent when the catalogs are checked under Node (unit tests). */
const page = globalThis as { navigator?: { languages?: readonly string[] }; document?: { documentElement: { lang: string } } };
const NAMESPACES = Object.keys(en) as (keyof typeof en)[];

export const resources = { en, 'zh-CN': zhCN } as const;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof en;
  }
}

/** The OS's language as one we have: any Chinese locale reads Simplified Chinese, anything else English. */
export function systemLanguage(preferred: readonly string[] = page.navigator?.languages ?? []): Language {
  return osLanguage(preferred);
}

export function languageChoice(): LanguageChoice {
  return readChoice(LANGUAGE_KEY, LANGUAGE_CHOICES, 'system');
}

function resolve(choice: LanguageChoice): Language {
  return resolveLanguage(choice, page.navigator?.languages ?? []);
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources,
  lng: resolve(languageChoice()),
  fallbackLng: 'en',
  ns: NAMESPACES,
  defaultNS: 'common',
  // React escapes what it renders; escaping here too would show &amp; on screen.
  interpolation: { escapeValue: false },
  // The catalogs are bundled: ready before the first render, no flash of keys.
  initAsync: false,
  returnNull: false,
  // No console notice from the library in the user's developer tools or the test output.
  showSupportNotice: false,
});

function applyToDocument(language: Language): void {
  if (page.document) page.document.documentElement.lang = language;
}
applyToDocument(i18n.language as Language);
i18n.on('languageChanged', (language) => {
  numberFormats.clear();
  applyToDocument(language as Language);
});

/** Reads the remembered choice, and follows it when the host's UI state brings another (main.tsx). */
export function startI18n(): void {
  void i18n.changeLanguage(resolve(languageChoice()));
  onChoicesChanged([LANGUAGE_KEY], () => void i18n.changeLanguage(resolve(languageChoice())));
}

export function setLanguageChoice(choice: LanguageChoice): void {
  writeChoice(LANGUAGE_KEY, choice);
  void i18n.changeLanguage(resolve(choice));
}

export function currentLanguage(): Language {
  return (LANGUAGES as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : 'en';
}

/** For code outside React (stores, notices): `translate('history:exportFailed', { reason })`. */
export const translate = i18n.t.bind(i18n) as unknown as typeof i18n.t;

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A number in the UI language's way (grouping, decimal mark); formatters are cached per options. */
export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(currentLanguage(), options)));
  return format.format(value);
}
