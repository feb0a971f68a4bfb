import { useEffect, useState } from 'react';
import { parseUserVariables } from '../../../shared/templates/message-variables';
import { useCollectionsStore } from '../../stores/collections-store';
import { variablesText } from './search';

/** A `name=value` list with its own Save, checked as typed. */
function VariableList({ testId, value, onSave, label }: { testId: string; value: Record<string, string>; onSave(variables: Record<string, string>): void; label: string }) {
  const saved = variablesText(value);
  const [text, setText] = useState(saved);
  useEffect(() => setText(saved), [saved]);
  const parsed = parseUserVariables(text);
  return (
    <div className="collections-variable-list">
      <textarea data-testid={testId} aria-label={label} value={text} rows={3} spellCheck={false} placeholder={'site=berlin\nline=3'} aria-invalid={!parsed.ok} onChange={(e) => setText(e.target.value)} />
      {!parsed.ok && <p className="field-problem">{parsed.problem}</p>}
      <button type="button" className="small" data-testid={`${testId}-save`} disabled={!parsed.ok || text === saved} onClick={() => parsed.ok && onSave(parsed.variables)}>
        Save
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
  const state = useCollectionsStore((s) => s.state);
  const run = useCollectionsStore((s) => s.run);
  const [newName, setNewName] = useState('');
  if (!state) return null;
  const chosen = profileId ? (state.profileEnvironments[profileId] ?? '') : '';
  return (
    <div className="collections-variables" data-testid="collections-variables">
      <label className="collections-env-choice">
        Environment {profileName ? `of ${profileName}` : '(a saved profile chooses one)'}
        <select
          data-testid="collections-environment"
          value={chosen}
          disabled={!profileId}
          onChange={(e) => profileId && void run('collections.chooseEnvironment', { profileId, environmentId: e.target.value || null })}
        >
          <option value="">none</option>
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
            {env.name} <span className="muted">({Object.keys(env.variables).length})</span>
            <button type="button" className="icon-button" title={`Delete the environment ${env.name}`} aria-label={`Delete ${env.name}`} onClick={() => void run('collections.deleteEnvironment', { environmentId: env.id })}>
              ×
            </button>
          </summary>
          <VariableList testId="collections-env-variables" label={`Variables of ${env.name}`} value={env.variables} onSave={(variables) => void run('collections.saveEnvironment', { id: env.id, name: env.name, variables })} />
        </details>
      ))}
      <form
        className="collections-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (newName.trim()) void run('collections.saveEnvironment', { name: newName.trim(), variables: {} }).then(() => setNewName(''));
        }}
      >
        <input data-testid="collections-env-new-name" value={newName} placeholder="New environment (e.g. Berlin)" maxLength={200} onChange={(e) => setNewName(e.target.value)} />
        <button type="submit" className="small" data-testid="collections-env-add" disabled={newName.trim() === ''}>
          Add
        </button>
      </form>
      <p className="collections-subhead">Your variables (every connection)</p>
      <p className="hint">
        <code>{'{{name}}'}</code> takes its value from the publish panel&apos;s own list for the connection first, then the profile&apos;s environment, then these.
      </p>
      <VariableList testId="collections-user-variables" label="Your variables" value={state.variables} onSave={(variables) => void run('collections.setVariables', { variables })} />
    </div>
  );
}
