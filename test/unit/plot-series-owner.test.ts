import { describe, expect, it } from 'vitest';
import { seriesOwners } from '../../renderer/features/plots/series-owner';
import { i18n } from '../../renderer/ui/i18n';

describe('plots say whose series they are', () => {
  const connections = { c1: { name: 'plant', status: 'connected' }, c2: { name: 'lab', status: 'connected' }, c3: { name: 'old', status: 'disconnected' } };

  it('a single connection keeps the legend as it was', () => {
    expect(seriesOwners([{ connectionId: 'c1' }, { connectionId: 'c1' }], connections)).toEqual([null, null]);
  });

  it('series of two connections each name theirs', () => {
    expect(seriesOwners([{ connectionId: 'c1' }, { connectionId: 'c2' }], connections)).toEqual(['plant', 'lab']);
  });

  it('a series whose connection closed or is gone says so', () => {
    expect(seriesOwners([{ connectionId: 'c3' }], connections)).toEqual(['old (disconnected)']);
    expect(seriesOwners([{ connectionId: 'c9' }], connections)).toEqual(['closed connection']);
  });

  it('says so in the UI language', async () => {
    await i18n.changeLanguage('zh-CN');
    try {
      expect(seriesOwners([{ connectionId: 'c3' }, { connectionId: 'c9' }], connections)).toEqual(['old（已断开）', '已关闭的连接']);
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
