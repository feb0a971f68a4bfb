import { Check, Field } from '../../../ui/field';
import { FileInput } from '../../../ui/file-input';
import { SecretState } from './auth-section';
import { isTls } from './form-model';
import { SecretsNote } from './secrets-note';
import type { SectionProps } from './section-props';

const PEM = '.pem,.crt,.cer,.der,.key';

export function TlsSection({ form, update, problems, editing }: SectionProps & { editing: boolean }) {
  if (!isTls(form.protocol)) return <p className="hint">TLS applies to mqtts:// and wss:// (General → Protocol).</p>;
  return (
    <div className="form-grid">
      <Field label="CA certificates (PEM or DER; the system store is used when none)" className="span-4" problem={problems['tls.ca']}>
        <FileInput testId="connect-ca-file" files={form.ca} multiple accept={PEM} onChange={(files) => update('ca', files)} />
      </Field>
      <Field label="Client certificate" className="span-2" problem={problems['tls.cert']}>
        <FileInput testId="connect-cert-file" files={form.cert ? [form.cert] : []} accept={PEM} onChange={(files) => update('cert', files[0] ?? null)} />
      </Field>
      <Field label="Client key" className="span-2" problem={problems['tls.key']} hint={editing && <SecretState field="tlsKey" form={form} update={update} testId="tls-key-state" />}>
        <FileInput testId="connect-key-file" files={form.key ? [form.key] : []} accept={PEM} onChange={(files) => update('key', files[0] ?? null)} />
      </Field>
      <Field label="PKCS#12 bundle (.p12/.pfx)" className="span-2" problem={problems['tls.pfx']} hint={editing && <SecretState field="tlsPfx" form={form} update={update} testId="tls-pfx-state" />}>
        <FileInput testId="connect-pfx-file" files={form.pfx ? [form.pfx] : []} accept=".p12,.pfx" onChange={(files) => update('pfx', files[0] ?? null)} />
      </Field>
      <Field label="Key / PKCS#12 passphrase" className="span-2" problem={problems['tls.passphrase']} hint={editing && <SecretState field="tlsPassphrase" form={form} update={update} testId="tls-passphrase-state" />}>
        <input data-testid="connect-passphrase" type="password" autoComplete="off" value={form.passphrase} onChange={(e) => update('passphrase', e.target.value)} />
      </Field>
      <Field label="ALPN protocols (comma separated)" className="span-2" problem={problems['tls.alpnProtocols']}>
        <input data-testid="connect-alpn" value={form.alpn} placeholder="e.g. mqtt, x-amzn-mqtt-ca" spellCheck={false} onChange={(e) => update('alpn', e.target.value)} />
      </Field>
      <Field label="SNI server name" className="span-2" problem={problems['tls.servername']}>
        <input data-testid="connect-servername" value={form.servername} placeholder="the host, when it is a name" spellCheck={false} onChange={(e) => update('servername', e.target.value)} />
      </Field>
      <Field
        label="TLS key log file (NSS format, for Wireshark)"
        className="span-4"
        problem={problems.tlsKeyLog}
        hint={
          form.tlsKeyLog.trim() && (
            <span className="field-warning" data-testid="connect-tls-keylog-warning">
              Anyone with this file can decrypt this connection's traffic. Use it only for debugging and delete it afterwards.
            </span>
          )
        }
      >
        <input data-testid="connect-tls-keylog" value={form.tlsKeyLog} placeholder="off; e.g. /tmp/mqtt-keys.log" spellCheck={false} onChange={(e) => update('tlsKeyLog', e.target.value)} />
      </Field>
      <SecretsNote warningOnly />
      <Check className="span-4" label="Verify the broker's certificate and host name (turn off only for testing)" testId="connect-verify-certificate" checked={form.verifyCertificate} onChange={(v) => update('verifyCertificate', v)} />
    </div>
  );
}
