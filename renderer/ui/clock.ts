const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time as HH:MM:SS, with `fractionDigits` (0 to 3) digits of the second after a dot. */
export function formatClock(timestamp: number, fractionDigits = 0): string {
  const d = new Date(timestamp);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return fractionDigits <= 0 ? clock : `${clock}.${pad(d.getMilliseconds(), 3).slice(0, fractionDigits)}`;
}
