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
  languageSystem: 'System language',
  languageTitle: 'The language of the workbench: English, Simplified Chinese, or the OS language',
  keyValue: {
    key: 'key',
    value: 'value',
    nth: '{{label}} {{n}}',
    moveUp: 'Move up',
    remove: 'Remove',
    add: '+ Add',
  },
  fileInput: {
    size: '({{bytes}} B)',
    forget: 'Forget {{name}}',
  },
  panel: {
    crashed: 'The {{name}} panel hit an error:',
    retry: 'Retry',
  },
  columnResizer: {
    title: '{{label}} (double-click: default width)',
  },
  download: {
    gone: 'This download has expired; export again.',
    noToken: 'This page has no workbench token, so the host will not hand out downloads.',
    notSaved: 'Could not save: {{error}}',
    unknownError: 'unknown error',
  },
  virtualList: {
    followTitle: 'Follow the newest rows again',
    jumpNew_one: '↓ {{n}} new, jump to newest',
    jumpNew_other: '↓ {{n}} new, jump to newest',
    newest: '↓ Newest',
  },
} as const;
