import type { SecretsProtectionInfo } from '../../shared/contract';
import { translate } from './i18n';

const OS_STORES = { 'macos-keychain': 'common:secrets.macosKeychain', 'windows-dpapi': 'common:secrets.windowsDpapi', 'linux-keyring': 'common:secrets.linuxKeyring' } as const;

/** How saved secrets are protected, in the UI language (the core says which protection, not the words). */
export function secretsProtectionText(info: SecretsProtectionInfo): string {
  switch (info.kind) {
    case 'os':
      return translate('common:secrets.os', { store: translate(OS_STORES[info.store], { backend: info.backend ?? 'secret service' }) });
    case 'key-file':
      if (info.fallback === 'no-keyring') return translate('common:secrets.noKeyring', { path: info.path, backend: info.backend ?? 'none' });
      if (info.fallback === 'os-unavailable') return translate('common:secrets.osUnavailable', { path: info.path });
      return translate('common:secrets.keyFile', { path: info.path });
    case 'memory':
      return translate('common:secrets.memory');
  }
}
