/** English strings shared by every feature (buttons and words used everywhere). */
export default {
  cancel: 'Cancel',
  close: 'Close',
  save: 'Save',
  delete: 'Delete',
  apply: 'Apply',
  copy: 'Copy',
  clear: 'Clear',
  loading: 'Loading…',
  none: 'None',
  language: 'Language',
  languageSystem: 'Language: as the OS',
  languageTitle: 'The language of the workbench: English, Simplified Chinese, or the OS language',
} as const;
