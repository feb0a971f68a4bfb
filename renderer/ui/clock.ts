const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time as HH:MM:SS, with `fractionDigits` (0 to 3) digits of the second after a dot. */
export function formatClock(timestamp: number, fractionDigits = 0): string {
  const d = new Date(timestamp);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return fractionDigits <= 0 ? clock : `${clock}.${pad(d.getMilliseconds(), 3).slice(0, fractionDigits)}`;
}

/**
 * The one way a moment is shown outside the live lists: HH:MM:SS (24 h, local) today, with the
 * date before it (YYYY-MM-DD) on any other day. Never the locale's "3:06:57 AM".
 */
export function formatMoment(timestamp: number, now = Date.now()): string {
  const d = new Date(timestamp);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  const clock = formatClock(timestamp);
  return sameDay ? clock : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}
