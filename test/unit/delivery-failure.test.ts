import { afterEach, describe, expect, it } from 'vitest';
import { deliveryFailure } from '../../renderer/stores/delivery-failure';
import { i18n } from '../../renderer/ui/i18n';

// A download that did not reach the user says why in the UI language (issue 20); a cause given
// by the OS or the host is shown as it came.
describe('a failed download says why in the UI language', () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it('in English', () => {
    expect(deliveryFailure({ reason: 'gone', message: '' })).toBe('This download has expired; export again.');
    expect(deliveryFailure({ reason: 'no-token', message: '' })).toBe('This page has no workbench token, so the host will not hand out downloads.');
    expect(deliveryFailure({ reason: 'not-saved', message: 'EACCES: permission denied' })).toBe('Could not save: EACCES: permission denied');
    expect(deliveryFailure({ reason: 'not-saved', message: '' })).toBe('Could not save: unknown error');
    expect(deliveryFailure({ message: 'the host stopped' })).toBe('the host stopped');
  });

  it('in Simplified Chinese', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(deliveryFailure({ reason: 'gone', message: '' })).toBe('此下载已过期，请重新导出。');
    expect(deliveryFailure({ reason: 'not-saved', message: '' })).toBe('无法保存：未知错误');
    expect(deliveryFailure({ reason: 'not-saved', message: 'EACCES' })).toBe('无法保存：EACCES');
  });
});
