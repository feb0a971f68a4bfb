import { copyText } from '../../ui/clipboard';
import { formatMoment } from '../../ui/clock';
import { type ChangeEvent, type FormEvent, useEffect, useMemo, useState } from 'react';
import type { BrokerTlsInput, BrokerTlsStatus, WorkbenchError } from '../../../shared/contract';
import { type BrokerForm, useBrokerStore } from '../../stores/broker-store';
import { LIMIT_FIELDS, limitsFromForm } from '../../model/broker-limits';
import { useConnectionsStore } from '../../stores/connections-store';
import { useUiStore, useTimeFormat } from '../../stores/ui-store';
import { Check, Field } from '../../ui/field';
import { Trans, translate, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** PEM first lines: the same in every language. */
const CERT_PLACEHOLDER = '-----BEGIN CERTIFICATE-----';
const KEY_PLACEHOLDER = '-----BEGIN PRIVATE KEY-----';
/** The mosquitto.conf name, as the other limits are labelled. */
const RETAIN_AVAILABLE = 'retain_available';

/** A port typed into the form: '' is "none" when optional; otherwise 0-65535 (0 = any free port). */
function parsePort(text: string, optional: boolean): { port?: number; problem?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? {} : { problem: translate('broker:port.required') };
  if (!/^\d+$/.test(trimmed)) return { problem: translate('broker:port.number') };
  const port = Number(trimmed);
  if (port > 65535) return { problem: translate('broker:port.range') };
  return { port };
}

function LimitsEditor({ problem }: { problem: string | undefined }) {
  const { t } = useTranslation('broker');
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  return (
    <fieldset className="broker-limits" disabled={running} data-testid="broker-limits">
      <legend>
        {t('limits.legend')} <span className="muted">{t('limits.legendNote')}</span>
      </legend>
      {LIMIT_FIELDS.map(({ key, name }) => (
        <Field key={key} label={name} testId={`broker-limit-${name}`} hint={t(`limits.hint.${key}`)}>
          <input
            data-testid={`broker-limit-${name}`}
            inputMode="numeric"
            placeholder={t('limits.default')}
            value={form.limits[key]}
            onChange={(e) => setForm({ limits: { ...form.limits, [key]: e.target.value } })}
          />
        </Field>
      ))}
      <Check label={RETAIN_AVAILABLE} checked={form.retainAvailable} onChange={(retainAvailable) => setForm({ retainAvailable })} testId="broker-limit-retain_available" />
      {problem && (
        <p className="field-problem" data-testid="broker-limits-problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

function UsersEditor() {
  const { t } = useTranslation('broker');
  const users = useBrokerStore((s) => s.form.users);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  const change = (index: number, field: 'username' | 'password', value: string) =>
    setForm({ users: users.map((user, i) => (i === index ? { ...user, [field]: value } : user)) });
  return (
    <fieldset className="broker-users" disabled={running} data-testid="broker-users">
      <legend>
        {t('users.legend')} {users.length === 0 && <span className="muted">{t('users.none')}</span>}
      </legend>
      {users.map((user, index) => (
        <div className="broker-user" key={index} data-testid="broker-user">
          <input data-testid="broker-user-name" placeholder={t('users.name')} aria-label={t('users.nameLabel')} value={user.username} onChange={(e) => change(index, 'username', e.target.value)} />
          <input data-testid="broker-user-password" type="password" placeholder={t('users.password')} aria-label={t('users.passwordLabel')} value={user.password} onChange={(e) => change(index, 'password', e.target.value)} />
          <button type="button" className="icon-button" data-testid="broker-user-remove" title={t('users.remove')} aria-label={t('users.remove')} onClick={() => setForm({ users: users.filter((_, i) => i !== index) })}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="small" data-testid="broker-user-add" onClick={() => setForm({ users: [...users, { username: '', password: '' }] })}>
        {t('users.add')}
      </button>
    </fieldset>
  );
}

/** Reads a chosen PEM file into the form (it never leaves the page except in broker.start). */
function loadPem(event: ChangeEvent<HTMLInputElement>, apply: (text: string) => void): void {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) void file.text().then(apply);
}

function TlsEditor({ problems }: { problems: { tlsPort?: string | undefined; tls?: string | undefined } }) {
  const { t } = useTranslation('broker');
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  return (
    <fieldset className="broker-tls" disabled={running} data-testid="broker-tls">
      <legend>
        <Check label={t('tls.listener')} checked={form.tlsEnabled} onChange={(tlsEnabled) => setForm({ tlsEnabled })} testId="broker-tls-enabled" />
      </legend>
      {form.tlsEnabled && (
        <>
          <Field label={t('tls.port')} problem={problems.tlsPort} testId="broker-tls-port" hint={t('port.anyFree')}>
            <input data-testid="broker-tls-port" inputMode="numeric" value={form.tlsPort} aria-invalid={Boolean(problems.tlsPort)} onChange={(e) => setForm({ tlsPort: e.target.value })} />
          </Field>
          <div className="broker-tls-mode" role="radiogroup" aria-label={t('tls.certificate')}>
            <label className="checkbox">
              <input type="radio" name="broker-tls-mode" data-testid="broker-tls-generated" checked={form.tlsMode === 'generated'} onChange={() => setForm({ tlsMode: 'generated' })} />
              {t('tls.generate')}
            </label>
            <label className="checkbox">
              <input type="radio" name="broker-tls-mode" data-testid="broker-tls-own" checked={form.tlsMode === 'pem'} onChange={() => setForm({ tlsMode: 'pem' })} />
              {t('tls.own')}
            </label>
          </div>
          {form.tlsMode === 'pem' && (
            <div className="broker-tls-pem">
              <PemInput label={t('tls.cert')} testId="broker-tls-cert" value={form.tlsCert} placeholder={CERT_PLACEHOLDER} onChange={(tlsCert) => setForm({ tlsCert })} />
              <PemInput label={t('tls.key')} testId="broker-tls-key" value={form.tlsKey} placeholder={KEY_PLACEHOLDER} onChange={(tlsKey) => setForm({ tlsKey })} />
            </div>
          )}
          {problems.tls && (
            <p className="field-problem" data-testid="broker-tls-problem">
              {problems.tls}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

function PemInput({ label, testId, value, placeholder, onChange }: { label: string; testId: string; value: string; placeholder: string; onChange(text: string): void }) {
  const { t } = useTranslation('broker');
  return (
    <label>
      {label}
      <textarea data-testid={testId} rows={3} spellCheck={false} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
      <input type="file" data-testid={`${testId}-file`} accept=".pem,.crt,.cer,.key,text/plain" aria-label={t('tls.loadFile', { what: label })} onChange={(e) => loadPem(e, onChange)} />
    </label>
  );
}

/** The TLS part of broker.start from the form, or the problem that stops it. */
function tlsFromForm(form: BrokerForm): { tls?: BrokerTlsInput; problems: { tlsPort?: string; tls?: string } } {
  if (!form.tlsEnabled) return { problems: {} };
  const port = parsePort(form.tlsPort, false);
  if (port.problem || port.port === undefined) return { problems: { tlsPort: port.problem ?? translate('broker:port.requiredShort') } };
  if (form.tlsMode === 'generated') return { tls: { port: port.port, certificate: { kind: 'generated' } }, problems: {} };
  if (form.tlsCert.trim() === '' || form.tlsKey.trim() === '') return { problems: { tls: translate('broker:tls.needBoth') } };
  return { tls: { port: port.port, certificate: { kind: 'pem', cert: form.tlsCert, key: form.tlsKey } }, problems: {} };
}

export function BrokerControls() {
  useTimeFormat();
  const { t } = useTranslation('broker');
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const status = useBrokerStore((s) => s.status);
  const busy = useBrokerStore((s) => s.busy);
  const error = useBrokerStore((s) => s.error);
  const start = useBrokerStore((s) => s.start);
  const stop = useBrokerStore((s) => s.stop);
  const [problems, setProblems] = useState<{ port?: string; wsPort?: string; users?: string; tlsPort?: string; tls?: string; limits?: string }>({});

  const startWith = (portText: string, tlsPortText = form.tlsPort) => {
    const port = parsePort(portText, false);
    const wsPort = parsePort(form.wsPort, true);
    const users = form.users.filter((u) => u.username !== '' || u.password !== '');
    const usersProblem = users.some((u) => u.username === '') ? t('users.needName') : undefined;
    const tls = tlsFromForm({ ...form, tlsPort: tlsPortText });
    const limits = limitsFromForm(form);
    const next = {
      ...(limits.problem ? { limits: limits.problem } : {}),
      ...(port.problem ? { port: port.problem } : {}),
      ...(wsPort.problem ? { wsPort: wsPort.problem } : {}),
      ...(usersProblem ? { users: usersProblem } : {}),
      ...tls.problems,
    };
    setProblems(next);
    if (Object.keys(next).length > 0 || port.port === undefined) return;
    void start({ port: port.port, ...(wsPort.port !== undefined ? { wsPort: wsPort.port } : {}), users, ...(tls.tls ? { tls: tls.tls } : {}), limits: limits.limits });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (status.running) void stop();
    else startWith(form.port);
  };
  const startOnAnyPort = () => {
    setForm({ port: '0', ...(form.tlsEnabled ? { tlsPort: '0' } : {}) });
    startWith('0', form.tlsEnabled ? '0' : form.tlsPort);
  };

  return (
    <form className="broker-controls" onSubmit={onSubmit} data-testid="broker-form">
      <div className="broker-ports">
        <Field label={t('tcpPort')} problem={problems.port} testId="broker-port" hint={t('port.anyFree')}>
          <input data-testid="broker-port" inputMode="numeric" value={form.port} disabled={status.running} aria-invalid={Boolean(problems.port)} onChange={(e) => setForm({ port: e.target.value })} />
        </Field>
        <Field label={t('wsPort')} problem={problems.wsPort} testId="broker-ws-port" hint={t('wsPortHint')}>
          <input data-testid="broker-ws-port" inputMode="numeric" placeholder={t('wsPortNone')} value={form.wsPort} disabled={status.running} aria-invalid={Boolean(problems.wsPort)} onChange={(e) => setForm({ wsPort: e.target.value })} />
        </Field>
        <button type="submit" className={status.running ? 'danger broker-toggle' : 'primary broker-toggle'} data-testid="broker-toggle" disabled={busy !== null}>
          {busy === 'starting' ? t('starting') : busy === 'stopping' ? t('stopping') : status.running ? t('stop') : t('start')}
        </button>
      </div>
      <UsersEditor />
      <TlsEditor problems={problems} />
      <LimitsEditor problem={problems.limits} />
      {problems.users && (
        <p className="field-problem" data-testid="broker-users-problem">
          {problems.users}
        </p>
      )}
      {error && <BrokerError error={error} onPickAny={startOnAnyPort} />}
    </form>
  );
}

function BrokerError({ error, onPickAny }: { error: WorkbenchError; onPickAny(): void }) {
  const { t } = useTranslation('broker');
  return (
    <div className="error-box" role="alert" data-testid="broker-error" data-code={error.code}>
      <strong>
        {error.code === 'BROKER_START_FAILED' ? t('error.startFailed') : error.code === 'TLS_ERROR' ? t('error.tls') : t('error.failed')}
      </strong>
      <span data-testid="broker-error-message">{describeError(error)}</span>
      {error.code === 'BROKER_START_FAILED' && (
        <span>
          <Trans t={t} i18nKey="error.pickAnother" components={{ any: <button type="button" className="link-button" data-testid="broker-use-any-port" onClick={onPickAny} /> }} />
        </span>
      )}
    </div>
  );
}

/** Where the broker listens, and a one-click client connection to it. */
export function BrokerStatusLine() {
  const { t } = useTranslation('broker');
  const status = useBrokerStore((s) => s.status);
  const users = useBrokerStore((s) => s.form.users);
  const connect = useConnectionsStore((s) => s.connect);
  const setView = useUiStore((s) => s.setView);
  const [connectError, setConnectError] = useState<WorkbenchError | null>(null);
  const [connecting, setConnecting] = useState(false);

  if (!status.running || status.tcpPort === undefined) {
    return (
      <p className="broker-status muted" data-testid="broker-status" data-running="false">
        {t('status.stopped')}
      </p>
    );
  }
  const host = status.host ?? '127.0.0.1';
  const tcpPort = status.tcpPort;
  const tls = status.tls;
  const onConnect = async (overTls: boolean) => {
    setConnecting(true);
    setConnectError(null);
    const user = status.authRequired ? users.find((u) => u.username) : undefined;
    const error = await connect({
      ...(overTls && tls
        ? {
            name: t('status.connectionNameTls', { port: String(tls.port) }),
            protocol: 'mqtts' as const,
            port: tls.port,
            // trusts exactly the certificate the broker showed, with full verification
            tls: { ca: [new TextEncoder().encode(tls.caPem)], rejectUnauthorized: true },
          }
        : { name: t('status.connectionName', { port: String(tcpPort) }), protocol: 'mqtt' as const, port: tcpPort }),
      host: '127.0.0.1',
      protocolVersion: 5,
      ...(user ? { username: user.username, password: user.password } : {}),
    });
    setConnecting(false);
    if (error) setConnectError(error);
    else setView('workbench');
  };
  return (
    <div className="broker-status" data-testid="broker-status" data-running="true" data-port={tcpPort}>
      <span className="status-dot status-connected" aria-hidden="true" />
      <span>{t('status.listening')}</span>
      <code data-testid="broker-address-tcp">
        mqtt://{host}:{tcpPort}
      </code>
      {status.wsPort !== undefined && (
        <code data-testid="broker-address-ws">
          ws://{host}:{status.wsPort}
        </code>
      )}
      {tls && (
        <code data-testid="broker-address-tls">
          mqtts://{host}:{tls.port}
        </code>
      )}
      {status.authRequired && <span className="muted">{t('status.loginRequired')}</span>}
      {status.startedAt !== undefined && <span className="muted" data-testid="broker-since">
          {t('status.since', { time: formatMoment(status.startedAt) })}
        </span>}
      <button type="button" className="primary small" data-testid="broker-connect" disabled={connecting} onClick={() => void onConnect(false)}>
        {connecting ? t('status.connecting') : t('status.connect')}
      </button>
      {tls && (
        <button type="button" className="small" data-testid="broker-connect-tls" disabled={connecting} onClick={() => void onConnect(true)}>
          {t('status.connectTls')}
        </button>
      )}
      {connectError && (
        <span className="field-problem" data-testid="broker-connect-error">
          {describeError(connectError)}
        </span>
      )}
      {tls && <TlsCertificate tls={tls} />}
    </div>
  );
}

/** What clients must trust to reach the TLS listener: copy it, download it, or read it. */
function TlsCertificate({ tls }: { tls: BrokerTlsStatus }) {
  const { t } = useTranslation('broker');
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const url = useMemo(() => URL.createObjectURL(new Blob([tls.caPem], { type: 'application/x-pem-file' })), [tls.caPem]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const copy = () => {
    void copyText(tls.caPem).then((ok) => setCopied(ok ? 'copied' : 'failed'));
  };
  return (
    <div className="broker-tls-certificate" data-testid="broker-tls-certificate" data-generated={tls.generated}>
      <span>
        {t(tls.generated ? 'tls.trustGenerated' : 'tls.trustOwn', { hosts: tls.hosts.join(', ') || tls.subject, validTo: tls.validTo })}
      </span>
      <code className="broker-tls-fingerprint" data-testid="broker-tls-fingerprint" title={t('tls.fingerprint')}>
        {tls.fingerprint}
      </code>
      <span className="broker-tls-actions">
        <button type="button" className="small" data-testid="broker-tls-copy" onClick={copy}>
          {tls.generated ? t('tls.copyCa') : t('tls.copyCert')}
        </button>
        <a className="link-button" data-testid="broker-tls-download" href={url} download={tls.generated ? 'mqtt-workbench-ca.pem' : 'broker-certificate.pem'}>
          {tls.generated ? t('tls.downloadCa') : t('tls.downloadCert')}
        </a>
        {copied && (
          <span className="muted" data-testid="broker-tls-copied">
            {copied === 'copied' ? t('tls.copied') : t('tls.copyRefused')}
          </span>
        )}
      </span>
      <details>
        <summary>{t('tls.showPem')}</summary>
        <pre data-testid="broker-tls-ca">{tls.caPem}</pre>
      </details>
    </div>
  );
}
