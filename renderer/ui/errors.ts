/**
 * An error of the core in the user's language (issue 20): the sentence of its code, or of its
 * situation (`params.reason`), filled with the values the core built its English message from
 * (in English, the core's own message).
 * Text from outside the app (an OS error such as ECONNREFUSED, the broker's reason string,
 * SQLite's or a schema compiler's message, validation details) follows in its own words: the
 * translation adds to what the core said, it never drops it. The code is not part of the sentence:
 * sites that show it (users search for it) keep showing it beside.
 */
import type { ErrorCode, ErrorParams, WorkbenchError } from '../../shared/contract/errors';
import { currentLanguage, i18n, translate } from './i18n';

/** A WorkbenchError, or the same as data (a connection's lastError carries its code as a string). */
export interface ShownError {
  code: string;
  message: string;
  details?: WorkbenchError['details'];
  params?: ErrorParams | Record<string, string | number>;
}

/** An error the page makes itself, its text already in the user's language: shown as it is. */
export function pageError(code: ErrorCode, text: string): WorkbenchError {
  return { code, message: text, params: { reason: 'pageText', text } };
}

const PLACEHOLDER = /\{\{\s*(\w+)[^}]*\}\}/g;

function template(key: string): string | undefined {
  const found = i18n.getResource(currentLanguage(), 'errors', key) ?? i18n.getResource('en', 'errors', key);
  return typeof found === 'string' ? found : undefined;
}

/** The code's sentence, or undefined for a code this page does not know (a newer core). */
function codeSentence(code: string): string | undefined {
  return template(`code.${code}`) === undefined ? undefined : translate(`errors:code.${code}` as 'errors:code.INTERNAL');
}

/**
 * The core writes its messages in English, with every value in them (the CLI and the logs print
 * them as they are): in English that message is the sentence. The English catalog says the same
 * for translators and is the source the other languages are checked against.
 */
const CORE_LANGUAGE = 'en';

export function describeError(error: ShownError): string {
  const generic = codeSentence(error.code);
  if (currentLanguage() === CORE_LANGUAGE || generic === undefined) return error.message;
  // Nothing to fill a sentence with: the code's sentence, with the core's message as the detail.
  if (!error.params) return translate('errors:withDetail', { sentence: generic, detail: error.message });
  const { reason, detail, ...values } = error.params;
  let sentence = generic;
  const situation = typeof reason === 'string' ? template(`reason.${reason}`) : undefined;
  if (situation !== undefined) {
    const filled: Record<string, string | number> = { ...values, what: generic };
    const needed = [...situation.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    // A sentence with a value the error does not carry would show "{{url}}": use the code's.
    if (needed.every((name) => filled[name] !== undefined)) sentence = String(translate(`errors:reason.${reason}` as 'errors:reason.noProfile', filled as { id: string }));
  }
  const outside = [
    ...(detail !== undefined && detail !== '' ? [String(detail)] : []),
    ...(error.details ?? []).map((d) => (d.path ? translate('errors:field', { path: d.path, message: d.message }) : d.message)),
  ];
  return outside.length ? translate('errors:withDetail', { sentence, detail: outside.join('; ') }) : sentence;
}
