import { useEffect, useState } from 'react';
import type { BrokerReport } from '../../../../shared/contract';
import { type CheckRun, useChecksStore } from '../../../stores/checks-store';
import { useProfilesStore } from '../../../stores/profiles-store';
import { downloadText } from '../../../ui/download-text';
import './checks.css';

/** CONNACK properties in the order and words the command line prints them. */
const CONNACK_LABELS: [key: string, label: string][] = [
  ['maximumQoS', 'Maximum QoS'],
  ['retainAvailable', 'Retain available'],
  ['wildcardSubscriptionAvailable', 'Wildcard subscriptions'],
  ['sharedSubscriptionAvailable', 'Shared subscriptions'],
  ['subscriptionIdentifiersAvailable', 'Subscription identifiers'],
  ['topicAliasMaximum', 'Topic alias maximum'],
  ['maximumPacketSize', 'Maximum packet size'],
  ['receiveMaximum', 'Receive maximum'],
  ['serverKeepAlive', 'Server keep alive'],
  ['sessionExpiryInterval', 'Session expiry'],
  ['assignedClientIdentifier', 'Assigned client id'],
];

const PROBE_LABELS: [key: keyof BrokerReport['probes'], label: string][] = [
  ['qos2', 'QoS 2 round trip'],
  ['retained', 'Retained round trip'],
  ['wildcard', 'Wildcard subscribe'],
  ['shared', 'Shared subscribe'],
  ['sys', '$SYS topics'],
  ['clientIdLength', 'Client id length'],
  ['topicLength', 'Topic length'],
  ['maximumPacketSize', 'Maximum packet size'],
];

const SAMPLE_CHECK = `name: Thermostat answers
steps:
  - connect: { host: 127.0.0.1, port: 1883 }   # or { profile: "My broker" }
  - subscribe: { topic: 'therm/+/ack', qos: 1 }
  - publish: { topic: therm/1/ack, payload: { setpoint: 21 }, qos: 1 }
  - expect: { topic: therm/1/ack, json: { setpoint: 21 }, within: 2000 }
  - expectNone: { topic: therm/1/error, within: 300 }
`;

function BrokerReportView({ report }: { report: BrokerReport }) {
  const probes = report.probes;
  return (
    <div className="broker-report" data-testid="broker-report">
      <p>
        <strong>{report.broker}</strong>:{' '}
        {Object.entries(report.versions)
          .map(([version, support]) => `MQTT ${version} ${support.supported ? 'yes' : 'no'}`)
          .join(', ')}
      </p>
      <table className="report-table">
        <tbody>
          {report.connack &&
            CONNACK_LABELS.filter(([key]) => report.connack![key]).map(([key, label]) => {
              const limit = report.connack![key]!;
              return (
                <tr key={key} data-testid={`report-connack-${key}`}>
                  <th scope="row">{label}</th>
                  <td>{limit.value === null ? 'not set' : typeof limit.value === 'boolean' ? (limit.value ? 'yes' : 'no') : String(limit.value)}</td>
                  {/* An absent property with no default (maximum packet size, server keep alive...) was not in the CONNACK either. */}
                  <td className="muted">{limit.from === 'connack' ? 'from CONNACK' : limit.value === null ? 'not sent' : 'not sent: the default'}</td>
                </tr>
              );
            })}
          {PROBE_LABELS.filter(([key]) => probes[key] && typeof probes[key] === 'object').map(([key, label]) => {
            const probe = probes[key] as { ok: boolean; detail: string; present?: boolean };
            const ok = key === 'sys' ? probe.present : probe.ok;
            return (
              <tr key={key} data-testid={`report-probe-${key}`}>
                <th scope="row">{label}</th>
                <td className={ok ? 'pass' : 'fail'}>{ok ? 'yes' : 'no'}</td>
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
      <h3>Broker check</h3>
      <p className="muted">What a broker supports and its limits: from its CONNACK, then by trying (QoS 2, retained, wildcards, shared, $SYS, lengths, packet size).</p>
      <div className="automation-toolbar">
        <label>
          Profile{' '}
          <select data-testid="broker-check-profile" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
            {profiles.length === 0 && <option value="">Save a connection profile first</option>}
            {profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.name}
              </option>
            ))}
          </select>
        </label>
        <label title="Finds the largest PUBLISH the broker takes, up to 256 KiB, one short connection per try">
          <input type="checkbox" checked={probeSize} onChange={(e) => setProbeSize(e.target.checked)} /> Find the maximum packet size
        </label>
        <button type="button" data-testid="broker-check-run" disabled={!profileId || checkingProfile !== null} onClick={() => void checkBroker(profileId, probeSize ? 262_144 : 0)}>
          {checkingProfile ? 'Checking…' : 'Check broker'}
        </button>
        {report && (
          <button type="button" onClick={() => downloadText('broker-report.json', JSON.stringify(report, null, 2))}>
            Save as JSON
          </button>
        )}
      </div>
      {reportError && (
        <p className="error" role="alert" data-testid="broker-check-error">
          {reportError.message}
        </p>
      )}
      {report && <BrokerReportView report={report} />}
    </div>
  );
}

const MARKS = { passed: '✓', failed: '✗', skipped: '–' } as const;

function RunResult({ run }: { run: CheckRun }) {
  const { result } = run;
  return (
    <div className="check-run" data-testid="check-run-result">
      <p className={result.passed ? 'pass' : 'fail'} data-testid="check-run-verdict">
        {result.passed ? 'PASS' : 'FAIL'} {result.name} ({result.durationMs} ms)
      </p>
      <ol className="check-steps">
        {result.steps.map((step) => (
          <li key={step.index} className={step.status} data-testid={`check-step-${step.index}`}>
            <span className="mark" aria-label={step.status}>
              {MARKS[step.status]}
            </span>{' '}
            {step.title}
            {step.status !== 'skipped' && <span className="muted"> ({step.durationMs} ms)</span>}
            {step.message && <div className="step-message">{step.message}</div>}
          </li>
        ))}
      </ol>
      <div className="automation-toolbar">
        <button type="button" data-testid="check-run-junit" onClick={() => downloadText(`${result.name.replace(/[^\w.-]+/g, '-')}.junit.xml`, run.junit, 'application/xml')}>
          Save JUnit XML
        </button>
        <button type="button" onClick={() => downloadText(`${result.name.replace(/[^\w.-]+/g, '-')}.tap`, run.tap, 'text/plain')}>
          Save TAP
        </button>
      </div>
    </div>
  );
}

function ScriptedChecks() {
  const { running, run, runError, runFile } = useChecksStore();
  const [text, setText] = useState(SAMPLE_CHECK);
  const [fileName, setFileName] = useState('checks.yaml');
  return (
    <div className="check-block">
      <h3>Scripted checks</h3>
      <p className="muted">
        The same files as <code>mqtt-workbench test</code> (YAML or JSON): connect, subscribe, publish, expect, expectNone, wait. A connect step may name a saved profile.
      </p>
      <div className="automation-toolbar">
        <label>
          Open a file{' '}
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
          {running ? 'Running…' : 'Run checks'}
        </button>
      </div>
      <textarea className="check-text" data-testid="check-text" spellCheck={false} rows={10} value={text} onChange={(e) => setText(e.target.value)} aria-label="Check file" />
      {runError && (
        <p className="error" role="alert" data-testid="check-run-error">
          {runError.message}
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
