import { useProfilesStore } from '../../../stores/profiles-store';
import type { SecretsProtectionInfo } from '../../../../shared/contract';
import { useTranslation } from '../../../ui/i18n';
import { secretsProtectionText } from '../../../ui/secrets-protection';

export interface SecretsProtection {
  /** How saved secrets are protected, as the host reports it (profiles.list); null while unknown. */
  protection: SecretsProtectionInfo | null;
  /** False when no OS keychain or keyring protects them (Linux with only safeStorage's basic_text, or browser mode). */
  osProtected: boolean;
}

/**
 * Beside the secret fields: how a saved secret is protected, and a warning, before anything is
 * saved, when the operating system does not protect it. `warningOnly` shows just the warning,
 * as a line of its own, and nothing when the OS does protect them.
 */
export function SecretsNoteText({ protection, osProtected, warningOnly = false }: SecretsProtection & { warningOnly?: boolean }) {
  const { t } = useTranslation('connectionDialog');
  const how = t('secret.how', { protection: protection ? secretsProtectionText(protection) : t('secret.unknownProtection') });
  if (osProtected) return warningOnly ? null : <span className="muted">{how}</span>;
  const warning = (
    <span role="note" data-testid="secrets-warning" style={{ color: 'var(--warn)' }}>
      <strong>{t('secret.notProtected')}</strong> {how}
    </span>
  );
  // On its own (the TLS tab), the warning is a full-width line of the form grid.
  return warningOnly ? <p className="span-4 secret-note">{warning}</p> : warning;
}

export function SecretsNote({ warningOnly = false }: { warningOnly?: boolean }) {
  const protection = useProfilesStore((s) => s.secretsProtectionInfo);
  const osProtected = useProfilesStore((s) => s.osProtected);
  // Until profiles.list answers, nothing is known: say nothing alarming.
  const loaded = useProfilesStore((s) => s.loaded);
  return <SecretsNoteText protection={protection} osProtected={osProtected || !loaded} warningOnly={warningOnly} />;
}
