import type { TriState } from './form-model';

/** Unset (the default applies), on or off: MQTT 5 booleans are often best left out. */
export function TriSelect({ value, onChange, testId, unset = 'default' }: { value: TriState; onChange(value: TriState): void; testId: string; unset?: string }) {
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as TriState)}>
      <option value="">{unset}</option>
      <option value="on">yes</option>
      <option value="off">no</option>
    </select>
  );
}
