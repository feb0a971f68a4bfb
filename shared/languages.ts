/**
 * The workbench's languages (issue 20, "Languages"), shared by the page's i18n layer
 * (renderer/ui/i18n) and the desktop app's native menu (main/electron/menu.ts), so both follow
 * the one choice the user made in the top bar (kept in the UI state as UI_STATE_KEYS.language).
 */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_CHOICES = ['system', ...LANGUAGES] as const;
export type LanguageChoice = (typeof LANGUAGE_CHOICES)[number];

/** The OS's language as one we have: any Chinese locale reads Simplified Chinese, anything else English. */
export function systemLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A stored choice (possibly absent or stale) as the language to show, the OS's for 'system'. */
export function resolveLanguage(choice: string | undefined, osLanguages: readonly string[]): Language {
  return (LANGUAGES as readonly string[]).includes(choice ?? '') ? (choice as Language) : systemLanguage(osLanguages);
}
