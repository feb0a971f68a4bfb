/**
 * Counts as people read them (1,234,567). One shared formatter: Number.prototype.toLocaleString
 * builds a new one on every call, which showed up in the UI bench's profile of busy lists.
 */
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}
