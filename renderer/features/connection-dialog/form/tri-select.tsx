import { useTranslation } from '../../../ui/i18n';
import type { TriState } from './form-model';

/** Unset (the default applies), on or off: MQTT 5 booleans are often best left out. */
export function TriSelect({ value, onChange, testId, unset }: { value: TriState; onChange(value: TriState): void; testId: string; unset?: string }) {
  const { t } = useTranslation('connectionDialog');
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as TriState)}>
      <option value="">{unset ?? t('tri.default')}</option>
      <option value="on">{t('tri.yes')}</option>
      <option value="off">{t('tri.no')}</option>
    </select>
  );
}
