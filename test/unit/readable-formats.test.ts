import { describe, expect, it } from 'vitest';
import { formatClock, formatMoment } from '../../renderer/ui/clock';
import { formatCountOf, formatReading } from '../../renderer/ui/numbers';

describe('readable formats (issue 14)', () => {
  it.each([
    [1457.7963686566266, '1457.8'],
    [101320, '101320'],
    [1004000, '1004000'],
    [0.6, '0.6'],
    [0.004, '0.004'],
    [0.1 + 0.2, '0.3'],
    [-3.14159265, '-3.14159'],
    [250 / 7, '35.7143'],
    [12345678.9, '12345679'],
    [0.000123456789, '0.000123457'],
  ])('reads %s as %s', (value, shown) => {
    expect(formatReading(value)).toBe(shown);
  });

  it('says a count with its noun, singular for one', () => {
    expect(formatCountOf(1, 'message')).toBe('1 message');
    expect(formatCountOf(0, 'topic')).toBe('0 topics');
    expect(formatCountOf(20000, 'message')).toBe('20,000 messages');
    expect(formatCountOf(2, 'retained topic')).toBe('2 retained topics');
  });

  it('shows a moment as HH:MM:SS today and with its date on another day, never AM/PM', () => {
    const afternoon = new Date(2026, 11, 7, 15, 17, 41).getTime();
    expect(formatMoment(afternoon, new Date(2026, 11, 7, 23, 0, 0).getTime())).toBe('15:17:41');
    expect(formatMoment(afternoon, new Date(2026, 11, 8, 0, 0, 1).getTime())).toBe('2026-12-07 15:17:41');
    expect(formatClock(new Date(2026, 0, 2, 3, 6, 57, 42).getTime(), 3)).toBe('03:06:57.042');
  });
});
