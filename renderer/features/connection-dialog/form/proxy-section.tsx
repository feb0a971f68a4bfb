import { Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { SecretState } from './auth-section';
import type { ConnectionForm } from './form-model';
import type { SectionProps } from './section-props';

const KINDS = ['none', 'system', 'http', 'socks5'] as const satisfies readonly ConnectionForm['proxyKind'][];

/** How the connection reaches the broker, for mqtt, mqtts, ws and wss alike. */
export function ProxySection({ form, update, problems, editing }: SectionProps & { editing: boolean }) {
  const { t } = useTranslation('connectionDialog');
  const kindLabel = { none: t('proxy.none'), system: t('proxy.system'), http: 'HTTP CONNECT', socks5: 'SOCKS5' };
  const named = form.proxyKind === 'http' || form.proxyKind === 'socks5';
  return (
    <div className="form-grid">
      <Field label={t('proxy.proxy')} className="span-2" problem={problems['proxy.kind']}>
        <select data-testid="connect-proxy-kind" value={form.proxyKind} onChange={(e) => update('proxyKind', e.target.value as ConnectionForm['proxyKind'])}>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {kindLabel[kind]}
            </option>
          ))}
        </select>
      </Field>
      {form.proxyKind === 'system' && <p className="hint span-4">{t('proxy.systemHint')}</p>}
      {named && (
        <>
          <Field label={t('proxy.host')} className="span-2" problem={problems['proxy.host']}>
            <input data-testid="connect-proxy-host" value={form.proxyHost} spellCheck={false} onChange={(e) => update('proxyHost', e.target.value)} />
          </Field>
          <Field label={t('proxy.port')} problem={problems['proxy.port']}>
            <input data-testid="connect-proxy-port" inputMode="numeric" value={form.proxyPort} placeholder={form.proxyKind === 'http' ? '3128' : '1080'} onChange={(e) => update('proxyPort', e.target.value)} />
          </Field>
          <Field label={t('proxy.username')} className="span-2" problem={problems['proxy.username']}>
            <input data-testid="connect-proxy-username" value={form.proxyUsername} autoComplete="off" spellCheck={false} onChange={(e) => update('proxyUsername', e.target.value)} />
          </Field>
          <Field label={t('proxy.password')} className="span-2" problem={problems['proxy.password']} hint={editing && <SecretState field="proxyPassword" form={form} update={update} testId="proxy-password-state" />}>
            <input data-testid="connect-proxy-password" type="password" autoComplete="off" value={form.proxyPassword} onChange={(e) => update('proxyPassword', e.target.value)} />
          </Field>
        </>
      )}
    </div>
  );
}
