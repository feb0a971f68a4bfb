import type { SecretField } from '../../../../shared/contract';
import { Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { type ScramMethod, mayUseV5 } from './form-model';
import { SecretsNote } from './secrets-note';
import type { SectionProps } from './section-props';

/**
 * "set / not set" for a secret the host holds; the value itself never reaches the page. Typing a new
 * value replaces it on save; "clear" removes it.
 */
export function SecretState({ field, form, update, testId }: Pick<SectionProps, 'form' | 'update'> & { field: SecretField; testId: string }) {
  const { t } = useTranslation('connectionDialog');
  const stored = form.storedSecrets[field] === true;
  const clearing = form.clearSecrets.includes(field);
  const state = stored && !clearing ? 'set' : 'not set';
  return (
    <span className="secret-state" data-testid={testId} data-state={state}>
      {t('secret.state', { label: t(`secret.labels.${field}`), state: stored ? (clearing ? t('secret.setCleared') : t('secret.set')) : t('secret.notSet') })}
      {stored && !clearing && (
        <button type="button" className="link-button" data-testid={`${testId}-clear`} onClick={() => update('clearSecrets', [...form.clearSecrets, field])}>
          {t('secret.clear')}
        </button>
      )}
      {clearing && (
        <button type="button" className="link-button" onClick={() => update('clearSecrets', form.clearSecrets.filter((f) => f !== field))}>
          {t('secret.keep')}
        </button>
      )}
    </span>
  );
}

export function AuthSection({ form, update, problems, editing }: SectionProps & { editing: boolean }) {
  const { t } = useTranslation('connectionDialog');
  const stored = form.storedSecrets.password === true && !form.clearSecrets.includes('password');
  return (
    <div className="form-grid">
      <Field label={t('auth.username')} className="span-2" problem={problems.username}>
        <input data-testid="connect-username" value={form.username} autoComplete="off" spellCheck={false} onChange={(e) => update('username', e.target.value)} />
      </Field>
      <Field label={t('auth.password')} className="span-2" problem={problems.password}>
        <input
          data-testid="connect-password"
          type="password"
          value={form.password}
          autoComplete="new-password"
          placeholder={stored ? t('auth.passwordStored') : ''}
          onChange={(e) => update('password', e.target.value)}
        />
      </Field>
      <p className="span-4 secret-note" data-testid="secrets-protection">
        {editing && <SecretState field="password" form={form} update={update} testId="password-state" />}
        <SecretsNote />
      </p>
      <Field label={t('auth.enhancedAuth')} className="span-4" problem={problems.enhancedAuth} testId="connect-enhanced-auth">
        <select data-testid="connect-enhanced-auth" value={form.enhancedAuth} disabled={!mayUseV5(form.protocolVersion)} onChange={(e) => update('enhancedAuth', e.target.value as ScramMethod)}>
          <option value="">{t('auth.enhancedAuthNone')}</option>
          <option value="SCRAM-SHA-1">SCRAM-SHA-1</option>
          <option value="SCRAM-SHA-256">SCRAM-SHA-256</option>
          <option value="SCRAM-SHA-512">SCRAM-SHA-512</option>
        </select>
      </Field>
    </div>
  );
}
