/** English strings of the app frame: top bar, settings, notices around the views. */
export default {
  topBar: {
    reconnectOnLaunch: 'Reconnect on launch',
    reconnectOnLaunchTitle: 'When the workbench starts again, reconnect the saved connections that were connected when it stopped (their tabs come back either way)',
    timeFormat: 'Time format',
    timeFormatTitle: 'How every time reads: 24-hour (15:17:41, 2026-12-07) or as the OS’s language and region write it',
    time24h: 'Time: 24-hour',
    timeLocale: 'Time: as the OS',
    theme: 'Theme',
    themeTitle: 'Light or dark, or follow the OS',
    themeSystem: 'System theme',
    themeLight: 'Light theme',
    themeDark: 'Dark theme',
    shortcuts: 'Keyboard shortcuts',
    shortcutsTitle: 'Keyboard shortcuts (? or F1)',
  },
} as const;
