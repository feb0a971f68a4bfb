import { afterEach, describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatMoment, setTimeFormat } from '../../renderer/ui/clock';
import { i18n } from '../../renderer/ui/i18n';
import { formatReading } from '../../renderer/ui/numbers';

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

  it('says a count with its noun, singular for one (i18next plurals, the count through Intl)', async () => {
    await i18n.changeLanguage('en');
    expect(i18n.t('topicTree:row.messages', { count: 1 })).toBe('1 message');
    expect(i18n.t('topicTree:row.subtopics', { count: 0 })).toBe('0 topics');
    expect(i18n.t('topicTree:row.messages', { count: 20000 })).toBe('20,000 messages');
    expect(i18n.t('topicTree:row.retainedAlsoBelow', { count: 2 })).toBe(' (and 2 topics below)');
  });

  it('shows a moment as HH:MM:SS today and with its date on another day, never AM/PM', () => {
    const afternoon = new Date(2026, 11, 7, 15, 17, 41).getTime();
    expect(formatMoment(afternoon, new Date(2026, 11, 7, 23, 0, 0).getTime())).toBe('15:17:41');
    expect(formatMoment(afternoon, new Date(2026, 11, 8, 0, 0, 1).getTime())).toBe('2026-12-07 15:17:41');
    expect(formatClock(new Date(2026, 0, 2, 3, 6, 57, 42).getTime(), 3)).toBe('03:06:57.042');
  });

  describe('one time format, chosen by the user', () => {
    afterEach(() => setTimeFormat('24h'));
    const early = new Date(2026, 11, 7, 3, 6, 57, 420).getTime();

    it('reads 24-hour everywhere by default, dates as YYYY-MM-DD', () => {
      expect(formatClock(early)).toBe('03:06:57');
      expect(formatDateTime(early)).toBe('2026-12-07 03:06:57');
      expect(formatDateTime(early, 3)).toBe('2026-12-07 03:06:57.420');
    });

    it("follows the locale's clock and date when asked (en-US: AM/PM; de-DE: 24-hour with its own date)", () => {
      setTimeFormat('locale', 'en-US');
      expect(formatClock(early)).toMatch(/^3:06:57\sAM$/);
      expect(formatClock(early, 3)).toMatch(/^3:06:57\.420\sAM$/);
      expect(formatDateTime(early)).toMatch(/^12\/7\/2026 3:06:57\sAM$/);
      expect(formatMoment(early, new Date(2026, 11, 7, 23, 0, 0).getTime())).toMatch(/^3:06:57\sAM$/);
      setTimeFormat('locale', 'de-DE');
      expect(formatClock(early)).toBe('03:06:57');
      expect(formatClock(early, 2)).toBe('03:06:57,42');
      expect(formatDateTime(early)).toBe('7.12.2026 03:06:57');
      // Back to 24-hour: the cached locale formatters are not used any more.
      setTimeFormat('24h');
      expect(formatClock(early, 1)).toBe('03:06:57.4');
    });
  });
});
