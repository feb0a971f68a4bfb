import { Check, Field } from '../../../ui/field';
import { FileInput } from '../../../ui/file-input';
import { useTranslation } from '../../../ui/i18n';
import { SecretState } from './auth-section';
import { isTls } from './form-model';
import { SecretsNote } from './secrets-note';
import type { SectionProps } from './section-props';

const PEM = '.pem,.crt,.cer,.der,.key';

export function TlsSection({ form, update, problems, editing }: SectionProps & { editing: boolean }) {
  const { t } = useTranslation('connectionDialog');
  if (!isTls(form.protocol)) return <p className="hint">{t('tls.onlyTls')}</p>;
  return (
    <div className="form-grid">
      <Field label={t('tls.ca')} className="span-4" problem={problems['tls.ca']}>
        <FileInput testId="connect-ca-file" files={form.ca} multiple accept={PEM} onChange={(files) => update('ca', files)} />
      </Field>
      <Field label={t('tls.cert')} className="span-2" problem={problems['tls.cert']}>
        <FileInput testId="connect-cert-file" files={form.cert ? [form.cert] : []} accept={PEM} onChange={(files) => update('cert', files[0] ?? null)} />
      </Field>
      <Field label={t('tls.key')} className="span-2" problem={problems['tls.key']} hint={editing && <SecretState field="tlsKey" form={form} update={update} testId="tls-key-state" />}>
        <FileInput testId="connect-key-file" files={form.key ? [form.key] : []} accept={PEM} onChange={(files) => update('key', files[0] ?? null)} />
      </Field>
      <Field label={t('tls.pfx')} className="span-2" problem={problems['tls.pfx']} hint={editing && <SecretState field="tlsPfx" form={form} update={update} testId="tls-pfx-state" />}>
        <FileInput testId="connect-pfx-file" files={form.pfx ? [form.pfx] : []} accept=".p12,.pfx" onChange={(files) => update('pfx', files[0] ?? null)} />
      </Field>
      <Field label={t('tls.passphrase')} className="span-2" problem={problems['tls.passphrase']} hint={editing && <SecretState field="tlsPassphrase" form={form} update={update} testId="tls-passphrase-state" />}>
        <input data-testid="connect-passphrase" type="password" autoComplete="off" value={form.passphrase} onChange={(e) => update('passphrase', e.target.value)} />
      </Field>
      <Field label={t('tls.alpn')} className="span-2" problem={problems['tls.alpnProtocols']}>
        <input data-testid="connect-alpn" value={form.alpn} placeholder={t('tls.alpnPlaceholder')} spellCheck={false} onChange={(e) => update('alpn', e.target.value)} />
      </Field>
      <Field label={t('tls.servername')} className="span-2" problem={problems['tls.servername']}>
        <input data-testid="connect-servername" value={form.servername} placeholder={t('tls.servernamePlaceholder')} spellCheck={false} onChange={(e) => update('servername', e.target.value)} />
      </Field>
      <Field
        label={t('tls.keyLog')}
        className="span-4"
        problem={problems.tlsKeyLog}
        hint={
          form.tlsKeyLog.trim() && (
            <span className="field-warning" data-testid="connect-tls-keylog-warning">
              {t('tls.keyLogWarning')}
            </span>
          )
        }
      >
        <input data-testid="connect-tls-keylog" value={form.tlsKeyLog} placeholder={t('tls.keyLogPlaceholder')} spellCheck={false} onChange={(e) => update('tlsKeyLog', e.target.value)} />
      </Field>
      <SecretsNote warningOnly />
      <Check className="span-4" label={t('tls.verify')} testId="connect-verify-certificate" checked={form.verifyCertificate} onChange={(v) => update('verifyCertificate', v)} />
    </div>
  );
}
