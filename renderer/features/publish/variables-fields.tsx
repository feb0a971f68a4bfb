import { parseUserVariables } from '../../../shared/templates/message-variables';

/** The user's variables for this connection's draft (`name=value` a line) and what can be written. */
export function VariablesFields({ value, onChange, on }: { value: string; onChange(value: string): void; on: boolean }) {
  const parsed = parseUserVariables(value);
  return (
    <div className="variables-fields">
      <label className="variables-label" htmlFor="publish-variables-list">
        Your variables, one <code>name=value</code> a line (this connection)
      </label>
      <textarea
        id="publish-variables-list"
        data-testid="publish-variables-list"
        value={value}
        rows={4}
        spellCheck={false}
        placeholder={'site=berlin\nline=3'}
        aria-invalid={!parsed.ok}
        onChange={(e) => onChange(e.target.value)}
      />
      {!parsed.ok && (
        <p className="field-problem" data-testid="publish-variables-list-error">
          {parsed.problem}
        </p>
      )}
      <p className="hint">
        {on ? 'Variables are on: ' : 'Turn on "Variables" to expand, in the topic, payload and MQTT 5 text properties: '}
        <code>{'{{site}}'}</code>, <code>{'{{now}}'}</code> (ms), <code>{'{{now.iso}}'}</code>, <code>{'{{now.unix}}'}</code> (s), <code>{'{{uuid}}'}</code>,{' '}
        <code>{'{{seq}}'}</code> (1, 2, 3… per message sent), <code>{'{{random 1 100}}'}</code>, <code>{'{{randomFloat 20 25 2}}'}</code>,{' '}
        <code>{'{{pick "a" "b"}}'}</code>. Write <code>{'\\{{'}</code> for a literal <code>{'{{'}</code>. This list wins over the profile&apos;s environment and
        your variables for every connection (Collections, ⋯ → Variables…).
      </p>
    </div>
  );
}
