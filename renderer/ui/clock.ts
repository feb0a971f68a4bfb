/**
 * The one way the workbench shows a moment. Every time on screen (live lists, inspector, history,
 * broker view, publish history, notices, chart axes) comes from here, in the format the user chose:
 * '24h' (HH:MM:SS, dates as YYYY-MM-DD, the same on every machine) or 'locale' (the OS locale's own
 * clock and date, e.g. "3:06:57 AM" and "12/7/2026" in en-US). The stores set the choice
 * (stores/ui-store.ts, remembered with the UI state); components that show times read it there so
 * they draw again when it changes.
 */
export type TimeFormat = '24h' | 'locale';
export const TIME_FORMATS: readonly TimeFormat[] = ['24h', 'locale'];

let current: TimeFormat = '24h';
/** undefined: the OS (browser) locale; a fixed one only in tests. */
let locale: string | undefined;
/** Intl formatters are costly to build and cheap to call: one per kind, dropped when the choice changes. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** The locale's decimal mark between seconds and their fraction ("." or ","). */
let decimal: string | undefined;

export function setTimeFormat(format: TimeFormat, forLocale?: string): void {
  current = format;
  locale = forLocale;
  formatters.clear();
  decimal = undefined;
}

export function timeFormat(): TimeFormat {
  return current;
}

function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The time of day, with `fractionDigits` (0 to 3) digits of the second. */
export function formatClock(timestamp: number, fractionDigits = 0): string {
  const digits = Math.max(0, Math.min(3, Math.floor(fractionDigits))) as 0 | 1 | 2 | 3;
  if (current === 'locale') {
    // The locale's own medium time ("3:06:57 AM", "03:06:57"); the fraction goes right after its
    // seconds, as timeStyle cannot be combined with fractionalSecondDigits.
    const clock = formatter('clock', { timeStyle: 'medium' });
    if (digits === 0) return clock.format(timestamp);
    const fraction = pad(new Date(timestamp).getMilliseconds(), 3).slice(0, digits);
    decimal ??= formatter('decimal', { second: 'numeric', fractionalSecondDigits: 1 }).formatToParts(0).find((p) => p.type === 'literal')?.value ?? '.';
    return clock
      .formatToParts(timestamp)
      .map((part) => (part.type === 'second' ? `${part.value}${decimal}${fraction}` : part.value))
      .join('');
  }
  const d = new Date(timestamp);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return digits === 0 ? clock : `${clock}.${pad(d.getMilliseconds(), 3).slice(0, digits)}`;
}

/** The date alone: YYYY-MM-DD, or the locale's short date. */
export function formatDate(timestamp: number): string {
  if (current === 'locale') return formatter('date', { year: 'numeric', month: 'numeric', day: 'numeric' }).format(timestamp);
  const d = new Date(timestamp);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Date and time, for moments that span days (stored messages, backups). */
export function formatDateTime(timestamp: number, fractionDigits = 0): string {
  return `${formatDate(timestamp)} ${formatClock(timestamp, fractionDigits)}`;
}

/** A moment outside the live lists: the time alone today, with the date before it on any other day. */
export function formatMoment(timestamp: number, now = Date.now()): string {
  const d = new Date(timestamp);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? formatClock(timestamp) : formatDateTime(timestamp);
}
