/** Significant digits a reading keeps (1457.7963686566266 reads 1457.8; 101320 stays whole). */
const READING_DIGITS = 6;

/**
 * A measured value as people read it: whole numbers as they are, fractions cut to six significant
 * digits without trailing zeros, never in exponent form for everyday magnitudes.
 */
export function formatReading(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const magnitude = Math.ceil(Math.log10(Math.abs(value)));
  const decimals = Math.min(15, Math.max(0, READING_DIGITS - magnitude));
  return String(Number(value.toFixed(decimals)));
}
