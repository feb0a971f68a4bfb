/**
 * Counts as people read them (1,234,567). One shared formatter: Number.prototype.toLocaleString
 * builds a new one on every call, which showed up in the UI bench's profile of busy lists.
 */
const counts = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return counts.format(n);
}

/** "1 message", "2 messages", "1,024 topics": a count with its noun, singular for one. */
export function formatCountOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
