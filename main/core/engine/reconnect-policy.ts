/** Exponential backoff with a cap and ±20% jitter, so many clients do not retry in lockstep. */
export function reconnectDelayMs(attempt: number, initialDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const exponential = initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exponential, maxDelayMs);
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.max(initialDelayMs, Math.min(maxDelayMs, Math.round(capped * jitter)));
}
