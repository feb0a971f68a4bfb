import { Check, Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { type Protocol, type Version, generateClientId, isWebSocket, mayUseV5, withProtocol } from './form-model';
import type { SectionProps } from './section-props';

/** The regenerate glyph: a symbol, the same in every language (its title says what it does). */
const REGENERATE = '⟳';

export function GeneralSection({ form, update, problems, setForm }: SectionProps & { setForm(change: (form: SectionProps['form']) => SectionProps['form']): void }) {
  const { t } = useTranslation('connectionDialog');
  return (
    <div className="form-grid">
      <Field label={t('general.protocol')} className="span-1">
        <select data-testid="connect-protocol" value={form.protocol} onChange={(e) => setForm((f) => withProtocol(f, e.target.value as Protocol))}>
          <option value="mqtt">mqtt://</option>
          <option value="mqtts">mqtts://</option>
          <option value="ws">ws://</option>
          <option value="wss">wss://</option>
        </select>
      </Field>
      <Field label={t('general.host')} className="span-2" problem={problems.host} testId="connect-host">
        <input data-testid="connect-host" value={form.host} onChange={(e) => update('host', e.target.value)} spellCheck={false} aria-invalid={!!problems.host} />
      </Field>
      <Field label={t('general.port')} className="span-1" problem={problems.port} testId="connect-port">
        <input data-testid="connect-port" value={form.port} inputMode="numeric" onChange={(e) => update('port', e.target.value)} aria-invalid={!!problems.port} />
      </Field>
      {isWebSocket(form.protocol) && (
        <Field label={t('general.wsPath')} className="span-4" problem={problems.path} testId="connect-path">
          <input data-testid="connect-path" value={form.path} onChange={(e) => update('path', e.target.value)} spellCheck={false} />
        </Field>
      )}
      <Field label={t('general.clientId')} className="span-3" problem={problems.clientId}>
        <span className="input-with-button">
          <input data-testid="connect-client-id" value={form.clientId} placeholder={t('general.clientIdPlaceholder')} onChange={(e) => update('clientId', e.target.value)} spellCheck={false} />
          <button type="button" data-testid="connect-generate-client-id" title={t('general.generateClientId')} aria-label={t('general.generateClientId')} onClick={() => update('clientId', generateClientId())}>
            {REGENERATE}
          </button>
        </span>
      </Field>
      <Field label={t('general.version')} className="span-1">
        <select
          data-testid="connect-version"
          value={form.protocolVersion}
          title={t('general.versionTitle')}
          onChange={(e) => update('protocolVersion', e.target.value === 'auto' ? 'auto' : (Number(e.target.value) as Version))}
        >
          <option value="auto">{t('general.versionAuto')}</option>
          <option value={5}>5.0</option>
          <option value={4}>3.1.1</option>
          <option value={3}>3.1</option>
        </select>
      </Field>
      <Field label={t('general.keepalive')} className="span-1" problem={problems.keepaliveSeconds} testId="connect-keepalive">
        <input data-testid="connect-keepalive" value={form.keepalive} inputMode="numeric" onChange={(e) => update('keepalive', e.target.value)} />
      </Field>
      <Field label={t('general.connectTimeout')} className="span-1" problem={problems.connectTimeoutMs} testId="connect-timeout">
        <input data-testid="connect-timeout" value={form.connectTimeout} inputMode="numeric" onChange={(e) => update('connectTimeout', e.target.value)} />
      </Field>
      <Check className="span-2" label={form.protocolVersion === 5 ? t('general.cleanStart') : t('general.cleanSession')} testId="connect-clean" checked={form.clean} onChange={(v) => update('clean', v)} />
      {!form.clean && mayUseV5(form.protocolVersion) && !(Number(form.sessionExpiry) > 0) && (
        <p className="hint span-2" data-testid="session-expiry-hint">
          {t('general.sessionExpiryHint')}
        </p>
      )}
    </div>
  );
}
