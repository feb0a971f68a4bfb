import { useEffect, useState } from 'react';
import type { RequestOutput } from '../../shared/contract';
import { fetchAppInfo } from '../stores/app-info';
import { useUiStore } from '../stores/ui-store';
import { useTranslation } from '../ui/i18n';
import { secretsProtectionText } from '../ui/secrets-protection';

type Info = RequestOutput<'app.info'>;

/** Version and shell, and how secrets are kept, said plainly (browser mode does not encrypt them). */
export function AppInfo() {
  const { t } = useTranslation('app');
  const linkOpen = useUiStore((s) => s.hostLink.state === 'open');
  const [info, setInfo] = useState<Info | null>(null);

  useEffect(() => {
    if (!linkOpen || info) return;
    let cancelled = false;
    void fetchAppInfo().then((result) => {
      if (!cancelled && result.ok) setInfo(result.value);
    });
    return () => {
      cancelled = true;
    };
  }, [linkOpen, info]);

  if (!info) return null;
  const secrets = secretsProtectionText(info.secretsProtectionInfo);
  return (
    <span className="app-info muted" data-testid="app-info" title={secrets}>
      {t('appInfo.line', { version: info.version, shell: info.shell === 'browser' ? t('appInfo.browser') : t('appInfo.desktop'), secrets })}
    </span>
  );
}
