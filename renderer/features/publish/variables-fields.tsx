import { Fragment } from 'react';
import { parseUserVariables } from '../../../shared/templates/message-variables';
import { useTranslation } from '../../ui/i18n';

/** The variables that can be written, each with what it gives (key in the 'publish' catalog, or none). */
const VARIABLES = [
  ['{{site}}', null],
  ['{{now}}', 'variables.ms'],
  ['{{now.iso}}', null],
  ['{{now.unix}}', 'variables.s'],
  ['{{uuid}}', null],
  ['{{seq}}', 'variables.seq'],
  ['{{random 1 100}}', null],
  ['{{randomFloat 20 25 2}}', null],
  ['{{pick "a" "b"}}', null],
] as const;
/** Code written the same in every language: a line of the list, and the escape for a literal {{. */
const CODE = { example: 'name=value', escape: '\\{{', open: '{{', placeholder: 'site=berlin\nline=3' };

/** The user's variables for this connection's draft (`name=value` a line) and what can be written. */
export function VariablesFields({ value, onChange, on }: { value: string; onChange(value: string): void; on: boolean }) {
  const { t } = useTranslation('publish');
  const parsed = parseUserVariables(value);
  // Split where the code goes: i18next keeps a {{placeholder}} it is given no value for.
  const [labelBefore, labelAfter] = t('variables.label').split('{{example}}');
  const [escapeBefore, escapeRest = ''] = t('variables.escape').split('{{escape}}');
  const [escapeMiddle, escapeAfter] = escapeRest.split('{{open}}');
  return (
    <div className="variables-fields">
      <label className="variables-label" htmlFor="publish-variables-list">
        {labelBefore}
        <code>{CODE.example}</code>
        {labelAfter}
      </label>
      <textarea
        id="publish-variables-list"
        data-testid="publish-variables-list"
        value={value}
        rows={4}
        spellCheck={false}
        placeholder={CODE.placeholder}
        aria-invalid={!parsed.ok}
        onChange={(e) => onChange(e.target.value)}
      />
      {!parsed.ok && (
        <p className="field-problem" data-testid="publish-variables-list-error">
          {parsed.problem}
        </p>
      )}
      <p className="hint">
        {on ? t('variables.on') : t('variables.turnOn')}
        {VARIABLES.map(([code, note], index) => (
          <Fragment key={code}>
            <code>{code}</code>
            {note && ` ${t(note)}`}
            {index < VARIABLES.length - 1 ? ', ' : '. '}
          </Fragment>
        ))}
        {escapeBefore}
        <code>{CODE.escape}</code>
        {escapeMiddle}
        <code>{CODE.open}</code>
        {escapeAfter} {t('variables.wins')}
      </p>
    </div>
  );
}
