import { useEffect, useState } from 'react';
import type { BrokerReport } from '../../../../shared/contract';
import { type CheckRun, useChecksStore } from '../../../stores/checks-store';
import { useProfilesStore } from '../../../stores/profiles-store';
import { downloadText } from '../../../ui/download-text';
import { Trans, useTranslation } from '../../../ui/i18n';
import { checkSample } from '../samples';
import { useSample } from '../use-sample';
import './checks.css';
import { describeError } from '../../../ui/errors';

/** CONNACK properties in the order and words the command line prints them. */
const CONNACK_KEYS = [
  'maximumQoS',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'sharedSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'topicAliasMaximum',
  'maximumPacketSize',
  'receiveMaximum',
  'serverKeepAlive',
  'sessionExpiryInterval',
  'assignedClientIdentifier',
] as const;

const PROBE_KEYS = ['qos2', 'retained', 'wildcard', 'shared', 'sys', 'clientIdLength', 'topicLength', 'maximumPacketSize'] as const satisfies readonly (keyof BrokerReport['probes'])[];

function BrokerReportView({ report }: { report: BrokerReport }) {
  const { t } = useTranslation('automation');
  const probes = report.probes;
  return (
    <div className="broker-report" data-testid="broker-report">
      <p>
        <strong>{report.broker}</strong>:{' '}
        {Object.entries(report.versions)
          .map(([version, support]) => t('checks.version', { version, support: support.supported ? t('yes') : t('no') }))
          .join(', ')}
      </p>
      <table className="report-table">
        <tbody>
          {report.connack &&
            CONNACK_KEYS.filter((key) => report.connack![key]).map((key) => {
              const limit = report.connack![key]!;
              return (
                <tr key={key} data-testid={`report-connack-${key}`}>
                  <th scope="row">{t(`checks.connack.${key}`)}</th>
                  <td>{limit.value === null ? t('checks.notSet') : typeof limit.value === 'boolean' ? (limit.value ? t('yes') : t('no')) : String(limit.value)}</td>
                  {/* An absent property with no default (maximum packet size, server keep alive...) was not in the CONNACK either. */}
                  <td className="muted">{limit.from === 'connack' ? t('checks.fromConnack') : limit.value === null ? t('checks.notSent') : t('checks.notSentDefault')}</td>
                </tr>
              );
            })}
          {PROBE_KEYS.filter((key) => probes[key] && typeof probes[key] === 'object').map((key) => {
            const probe = probes[key] as { ok: boolean; detail: string; present?: boolean };
            const ok = key === 'sys' ? probe.present : probe.ok;
            return (
              <tr key={key} data-testid={`report-probe-${key}`}>
                <th scope="row">{t(`checks.probe.${key}`)}</th>
                <td className={ok ? 'pass' : 'fail'}>{ok ? t('yes') : t('no')}</td>
                <td>{probe.detail}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function BrokerCheck() {
  const { t } = useTranslation('automation');
  const profiles = useProfilesStore((s) => s.profiles);
  const { checkingProfile, report, reportError, checkBroker } = useChecksStore();
  const [profileId, setProfileId] = useState('');
  const [probeSize, setProbeSize] = useState(true);
  useEffect(() => void useProfilesStore.getState().load(), []);
  useEffect(() => {
    // The first profile, also when the one chosen was deleted meanwhile.
    if (!profiles.some((profile) => profile.id === profileId)) setProfileId(profiles[0]?.id ?? '');
  }, [profiles, profileId]);
  return (
    <div className="check-block">
      <h3>{t('checks.brokerTitle')}</h3>
      <p className="muted">{t('checks.brokerIntro')}</p>
      <div className="automation-toolbar">
        <label>
          {t('checks.profile')}{' '}
          <select data-testid="broker-check-profile" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
            {profiles.length === 0 && <option value="">{t('checks.saveProfileFirst')}</option>}
            {profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.name}
              </option>
            ))}
          </select>
        </label>
        <label title={t('checks.probeSizeTitle')}>
          <input type="checkbox" checked={probeSize} onChange={(e) => setProbeSize(e.target.checked)} /> {t('checks.probeSize')}
        </label>
        <button type="button" data-testid="broker-check-run" disabled={!profileId || checkingProfile !== null} onClick={() => void checkBroker(profileId, probeSize ? 262_144 : 0)}>
          {checkingProfile ? t('checks.checking') : t('checks.checkBroker')}
        </button>
        {report && (
          <button type="button" onClick={() => downloadText('broker-report.json', JSON.stringify(report, null, 2))}>
            {t('checks.saveJson')}
          </button>
        )}
      </div>
      {reportError && (
        <p className="error" role="alert" data-testid="broker-check-error">
          {describeError(reportError)}
        </p>
      )}
      {report && <BrokerReportView report={report} />}
    </div>
  );
}

const MARKS = { passed: '✓', failed: '✗', skipped: '–' } as const;

function RunResult({ run }: { run: CheckRun }) {
  const { t } = useTranslation('automation');
  const { result } = run;
  return (
    <div className="check-run" data-testid="check-run-result">
      <p className={result.passed ? 'pass' : 'fail'} data-testid="check-run-verdict">
        {t('checks.verdict', { verdict: result.passed ? t('checks.pass') : t('checks.fail'), name: result.name, ms: String(result.durationMs) })}
      </p>
      <ol className="check-steps">
        {result.steps.map((step) => (
          <li key={step.index} className={step.status} data-testid={`check-step-${step.index}`}>
            <span className="mark" aria-label={t(`checks.stepStatus.${step.status}`)}>
              {MARKS[step.status]}
            </span>{' '}
            {step.title}
            {step.status !== 'skipped' && <span className="muted">{t('checks.stepTime', { ms: String(step.durationMs) })}</span>}
            {step.message && <div className="step-message">{step.message}</div>}
          </li>
        ))}
      </ol>
      <div className="automation-toolbar">
        <button type="button" data-testid="check-run-junit" onClick={() => downloadText(`${result.name.replace(/[^\w.-]+/g, '-')}.junit.xml`, run.junit, 'application/xml')}>
          {t('checks.saveJunit')}
        </button>
        <button type="button" onClick={() => downloadText(`${result.name.replace(/[^\w.-]+/g, '-')}.tap`, run.tap, 'text/plain')}>
          {t('checks.saveTap')}
        </button>
      </div>
    </div>
  );
}

function ScriptedChecks() {
  const { t } = useTranslation('automation');
  const { running, run, runError, runFile } = useChecksStore();
  const [text, setText] = useSample(checkSample);
  const [fileName, setFileName] = useState('checks.yaml');
  return (
    <div className="check-block">
      <h3>{t('checks.scriptedTitle')}</h3>
      <p className="muted">
        <Trans t={t} i18nKey="checks.scriptedIntro" components={{ code: <code /> }} />
      </p>
      <div className="automation-toolbar">
        <label>
          {t('checks.openFile')}{' '}
          <input
            type="file"
            accept=".yaml,.yml,.json"
            data-testid="check-file-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then((content) => (setText(content), setFileName(file.name)));
            }}
          />
        </label>
        <span className="muted" data-testid="check-file-name">
          {fileName}
        </span>
        <button type="button" data-testid="check-run" disabled={running || text.trim() === ''} onClick={() => void runFile(text, fileName)}>
          {running ? t('checks.running') : t('checks.run')}
        </button>
      </div>
      <textarea className="check-text" data-testid="check-text" spellCheck={false} rows={10} value={text} onChange={(e) => setText(e.target.value)} aria-label={t('checks.fileLabel')} />
      {runError && (
        <p className="error" role="alert" data-testid="check-run-error">
          {describeError(runError)}
        </p>
      )}
      {run && <RunResult run={run} />}
    </div>
  );
}

/** The broker check and scripted checks, run from the app (checks.*) as from the command line. */
export function ChecksSection() {
  return (
    <div className="checks-section">
      <BrokerCheck />
      <ScriptedChecks />
    </div>
  );
}
