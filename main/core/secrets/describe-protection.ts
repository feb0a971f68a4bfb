import type { SecretsProtectionInfo } from '../../../shared/contract';

const OS_STORES = { 'macos-keychain': 'the macOS Keychain', 'windows-dpapi': 'Windows DPAPI', 'linux-keyring': 'the OS keyring' } as const;

/**
 * The protection in English: the contract's `secretsProtection` string, for the command line and
 * logs. The page words `secretsProtectionInfo` from its catalogs instead.
 */
export function describeSecretsProtection(info: SecretsProtectionInfo): string {
  switch (info.kind) {
    case 'os': {
      const store = info.store === 'linux-keyring' ? `${OS_STORES[info.store]} (${info.backend ?? 'secret service'})` : OS_STORES[info.store];
      return `Secrets are encrypted with a key protected by ${store} (Electron safeStorage)`;
    }
    case 'key-file': {
      if (!info.fallback) return `Secrets are encrypted with a local key file readable only by your user (${info.path}); not by the OS keychain`;
      const why =
        info.fallback === 'no-keyring'
          ? `Electron safeStorage found no OS keyring (backend: ${info.backend ?? 'none'}); start a Secret Service keyring such as GNOME Keyring or KWallet and restart to use it`
          : 'Electron safeStorage reports that OS encryption is unavailable';
      return `Secrets are encrypted with a local key file readable only by your user (${info.path}), not by the OS keyring: ${why}`;
    }
    case 'memory':
      return 'Secrets are kept in memory only and forgotten when the workbench closes';
  }
}
