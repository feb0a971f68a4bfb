import { useState } from 'react';
import { useBrokerStore } from '../../stores/broker-store';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { useUiStore } from '../../stores/ui-store';
import { useTranslation } from '../../ui/i18n';
import { openProfilesImport } from '../profiles';
import { describeError } from '../../ui/errors';
import './first-run.css';

/** True for an empty workbench: profiles loaded and none saved, and no connection open. */
export function useIsFirstRun(): boolean {
  const loaded = useProfilesStore((s) => s.loaded);
  const profiles = useProfilesStore((s) => s.profiles.length);
  const connections = useConnectionsStore((s) => s.order.length);
  return loaded && profiles === 0 && connections === 0;
}

/**
 * What an empty workbench shows where the traffic would be: the three ways in. Start the embedded
 * broker (on a free port, broker.start) and connect to it in one click; create a connection (the
 * connection dialog); import from MQTTX or MQTT Explorer (the profiles import's own file picker, set to that format).
 */
export function FirstRun() {
  const { t } = useTranslation('firstRun');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const importError = useProfilesStore((s) => s.error);

  const startEmbedded = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const broker = useBrokerStore.getState();
      // One already running (started from the Broker view) is used as it is.
      if (!broker.status.running && !(await broker.start({ port: 0 }))) {
        const startError = useBrokerStore.getState().error;
        setProblem(startError ? describeError(startError) : t('embedded.didNotStart'));
        return;
      }
      const port = useBrokerStore.getState().status.tcpPort;
      if (port === undefined) {
        setProblem(t('embedded.noTcp'));
        return;
      }
      const error = await useConnectionsStore.getState().connect({ protocol: 'mqtt', host: '127.0.0.1', port, name: t('embedded.connectionName') });
      if (error) setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('title')}</h2>
      <div className="first-run-choices">
        <div className="first-run-choice">
          <h3>{t('embedded.title')}</h3>
          <p>{t('embedded.text')}</p>
          <button type="button" className="primary" data-testid="first-run-embedded" disabled={busy} onClick={() => void startEmbedded()}>
            {busy ? t('embedded.starting') : t('embedded.start')}
          </button>
        </div>
        <div className="first-run-choice">
          <h3>{t('connect.title')}</h3>
          <p>{t('connect.text')}</p>
          <button type="button" data-testid="first-run-connect" onClick={() => useUiStore.getState().openEditor({ mode: 'new' })}>
            {t('connect.create')}
          </button>
        </div>
        <div className="first-run-choice">
          <h3>{t('import.title')}</h3>
          <p>{t('import.text')}</p>
          <div className="first-run-buttons">
            <button type="button" data-testid="first-run-import-mqttx" onClick={() => openProfilesImport('mqttx')}>
              {t('import.mqttx')}
            </button>
            <button type="button" data-testid="first-run-import-mqtt-explorer" onClick={() => openProfilesImport('mqtt-explorer')}>
              {t('import.mqttExplorer')}
            </button>
          </div>
        </div>
      </div>
      {(problem ?? importError) && (
        <p className="field-problem" role="alert" data-testid="first-run-problem">
          {problem ?? (importError && describeError(importError))}
        </p>
      )}
    </section>
  );
}
