import { Check, Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { KeyValueEditor } from '../../../ui/key-value-editor';
import { isWebSocket, mayUseV5 } from './form-model';
import type { SectionProps } from './section-props';

/** Secret headers the host holds for this profile: their names only, like the password's "set". */
function StoredHeaders({ form, update }: Pick<SectionProps, 'form' | 'update'>) {
  const { t } = useTranslation('connectionDialog');
  if (form.storedHeaders.length === 0) return null;
  return (
    <ul className="span-4 secret-note stored-headers" data-testid="stored-headers">
      {form.storedHeaders.map((name) => {
        const clearing = form.clearHeaders.includes(name);
        return (
          <li key={name} className="secret-state" data-testid="stored-header" data-name={name} data-state={clearing ? 'cleared' : 'stored'}>
            {t('advanced.storedHeader', { name, state: clearing ? t('advanced.headerCleared') : t('advanced.headerStored') })}{' '}
            <button
              type="button"
              className="link-button"
              data-testid="stored-header-toggle"
              onClick={() => update('clearHeaders', clearing ? form.clearHeaders.filter((h) => h !== name) : [...form.clearHeaders, name])}
            >
              {clearing ? t('advanced.keep') : t('advanced.clear')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function AdvancedSection({ form, update, problems }: SectionProps) {
  const { t } = useTranslation('connectionDialog');
  return (
    <div className="form-grid">
      <Check className="span-4" label={t('advanced.reconnect')} testId="connect-reconnect-enabled" checked={form.reconnectEnabled} onChange={(v) => update('reconnectEnabled', v)} />
      <Field label={t('advanced.firstDelay')} className="span-1" problem={problems['reconnect.initialDelayMs']} testId="connect-reconnect-initial">
        <input data-testid="connect-reconnect-initial" value={form.reconnectInitial} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectInitial', e.target.value)} />
      </Field>
      <Field label={t('advanced.longestDelay')} className="span-1" problem={problems['reconnect.maxDelayMs']} testId="connect-reconnect-max">
        <input data-testid="connect-reconnect-max" value={form.reconnectMax} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectMax', e.target.value)} />
      </Field>
      <Field label={t('advanced.attempts')} className="span-2" problem={problems['reconnect.maxAttempts']} testId="connect-reconnect-attempts">
        <input data-testid="connect-reconnect-attempts" value={form.reconnectMaxAttempts} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectMaxAttempts', e.target.value)} />
      </Field>
      <Check
        className="span-4"
        label={t('advanced.keepDollar')}
        testId="connect-keep-dollar-topics"
        checked={form.keepDollarTopics}
        onChange={(v) => update('keepDollarTopics', v)}
      />
      <Check
        className="span-4"
        label={t('advanced.durable')}
        testId="connect-durable-capture"
        checked={form.durableCapture}
        onChange={(v) => update('durableCapture', v)}
      />
      {form.durableCapture && (
        <p className="span-4 hint" data-testid="durable-capture-hint">
          {form.protocolVersion === 5 ? t('advanced.durableHintV5') : mayUseV5(form.protocolVersion) ? t('advanced.durableHintV5Session') : t('advanced.durableHint')}
        </p>
      )}
      {isWebSocket(form.protocol) ? (
        <>
          <Field label={t('advanced.wsHeaders')} className="span-4" problem={problems.wsHeaders}>
            <KeyValueEditor testId="connect-ws-headers" keyLabel={t('advanced.header')} pairs={form.wsHeaders} onChange={(pairs) => update('wsHeaders', pairs)} />
          </Field>
          <StoredHeaders form={form} update={update} />
          <Field
            label={t('advanced.secretHeaders')}
            className="span-4"
            testId="connect-secret-headers"
            hint={t('advanced.secretHeadersHint')}
          >
            <input data-testid="connect-secret-headers" value={form.secretHeaderNames} spellCheck={false} onChange={(e) => update('secretHeaderNames', e.target.value)} />
          </Field>
        </>
      ) : (
        <p className="span-4 hint">{t('advanced.wsOnly')}</p>
      )}
    </div>
  );
}
