import { translate } from '../ui/i18n';

/**
 * What a failed delivery (bridge/deliver-download.ts) says, in the UI language: the bridge names
 * the reason (it cannot import the i18n layer); a cause given by the OS or the host is kept as it came.
 * Typed by shape, so unit tests compile it without the DOM's types.
 */
export function deliveryFailure(failed: { message: string; reason?: 'gone' | 'no-token' | 'not-saved' }): string {
  switch (failed.reason) {
    case 'gone':
      return translate('common:download.gone');
    case 'no-token':
      return translate('common:download.noToken');
    case 'not-saved':
      return translate('common:download.notSaved', { error: failed.message || translate('common:download.unknownError') });
    default:
      return failed.message;
  }
}
