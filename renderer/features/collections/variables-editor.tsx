import { useEffect, useState } from 'react';
import { parseUserVariables } from '../../../shared/templates/message-variables';
import { useCollectionsStore } from '../../stores/collections-store';
import { useTranslation } from '../../ui/i18n';
import { variablesText } from './search';

/** Code written the same in every language. */
const LIST_PLACEHOLDER = 'site=berlin\nline=3';
const NAME_VARIABLE = '{{name}}';

/** A `name=value` list with its own Save, checked as typed. */
function VariableList({ testId, value, onSave, label }: { testId: string; value: Record<string, string>; onSave(variables: Record<string, string>): void; label: string }) {
  const { t } = useTranslation('collections');
  const saved = variablesText(value);
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved]);
  const parsed = parseUserVariables(text);
  return (
    <div className="collections-variable-list">
      <textarea data-testid={testId} aria-label={label} value={text} rows={3} spellCheck={false} placeholder={LIST_PLACEHOLDER} aria-invalid={!parsed.ok} onChange={(e) => setText(e.target.value)} />
      {!parsed.ok && <p className="field-problem">{parsed.problem}</p>}
      <button type="button" className="small" data-testid={`${testId}-save`} disabled={!parsed.ok || text === saved} onClick={() => parsed.ok && onSave(parsed.variables)}>
        {t('variables.save')}
      </button>
    </div>
  );
}

/**
 * Environments (named variable sets such as site=berlin) and the one this profile uses, and the
 * user's own variables for every connection. They expand in saved messages and in the publish
 * panel; the publish panel's own list wins over the environment, which wins over the user's own.
 */
export function VariablesEditor({ profileId, profileName }: { profileId: string | undefined; profileName: string | undefined }) {
  const { t } = useTranslation('collections');
  const state = useCollectionsStore((s) => s.state);
  const run = useCollectionsStore((s) => s.run);
  const [newName, setNewName] = useState('');
  if (!state) return null;
  const chosen = profileId ? (state.profileEnvironments[profileId] ?? '') : '';
  return (
    <div className="collections-variables" data-testid="collections-variables">
      <label className="collections-env-choice">
        {profileName ? t('variables.environment', { profile: profileName }) : t('variables.environmentNone')}
        <select
          data-testid="collections-environment"
          value={chosen}
          disabled={!profileId}
          onChange={(e) => profileId && void run('collections.chooseEnvironment', { profileId, environmentId: e.target.value || null })}
        >
          <option value="">{t('variables.none')}</option>
          {state.environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.name}
            </option>
          ))}
        </select>
      </label>
      {state.environments.map((env) => (
        <details key={env.id} className="collections-env" data-testid="collections-env">
          <summary>
            {env.name} <span className="muted">{`(${Object.keys(env.variables).length})`}</span>
            <button type="button" className="icon-button" title={t('variables.deleteTitle', { name: env.name })} aria-label={t('variables.delete', { name: env.name })} onClick={() => void run('collections.deleteEnvironment', { environmentId: env.id })}>
              ×
            </button>
          </summary>
          <VariableList testId="collections-env-variables" label={t('variables.listLabel', { name: env.name })} value={env.variables} onSave={(variables) => void run('collections.saveEnvironment', { id: env.id, name: env.name, variables })} />
        </details>
      ))}
      <form
        className="collections-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (newName.trim()) void run('collections.saveEnvironment', { name: newName.trim(), variables: {} }).then(() => setNewName(''));
        }}
      >
        <input data-testid="collections-env-new-name" value={newName} placeholder={t('variables.newPlaceholder')} maxLength={200} onChange={(e) => setNewName(e.target.value)} />
        <button type="submit" className="small" data-testid="collections-env-add" disabled={newName.trim() === ''}>
          {t('variables.add')}
        </button>
      </form>
      <p className="collections-subhead">{t('variables.yours')}</p>
      <p className="hint">
        <code>{NAME_VARIABLE}</code> {t('variables.hint')}
      </p>
      <VariableList testId="collections-user-variables" label={t('variables.yoursLabel')} value={state.variables} onSave={(variables) => void run('collections.setVariables', { variables })} />
    </div>
  );
}
