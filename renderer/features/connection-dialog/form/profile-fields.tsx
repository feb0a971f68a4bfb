import { Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { PROFILE_COLORS } from './form-model';
import type { SectionProps } from './section-props';

/** What each swatch is called, for its label and tooltip (a hex code says nothing). */
const COLOR_NAMES: Record<string, 'blue' | 'green' | 'amber' | 'red' | 'purple' | 'pink' | 'teal' | 'grey'> = {
  '#0969da': 'blue',
  '#1a7f37': 'green',
  '#9a6700': 'amber',
  '#cf222e': 'red',
  '#8250df': 'purple',
  '#bf3989': 'pink',
  '#0a7a8a': 'teal',
  '#6e7781': 'grey',
};

/** Name, folder and colour: how the profile is found in the sidebar. */
export function ProfileFields({ form, update, problems }: SectionProps) {
  const { t } = useTranslation('connectionDialog');
  const colourName = (color: string) => {
    const name = COLOR_NAMES[color];
    return name ? t(`profile.colours.${name}`) : color;
  };
  return (
    <div className="form-grid profile-fields">
      <Field label={t('profile.name')} className="span-2" problem={problems.name} testId="profile-name">
        <input data-testid="profile-name" value={form.name} placeholder={t('profile.namePlaceholder')} onChange={(e) => update('name', e.target.value)} />
      </Field>
      <Field label={t('profile.folder')} className="span-1" problem={problems.folder} testId="profile-folder">
        <input data-testid="profile-folder" value={form.folder} placeholder={t('profile.folderPlaceholder')} spellCheck={false} onChange={(e) => update('folder', e.target.value)} />
      </Field>
      <Field label={t('profile.colour')} className="span-1" problem={problems.color}>
        <span className="color-picker" role="radiogroup" aria-label={t('profile.colour')}>
          {PROFILE_COLORS.map((color) => (
            <button
              key={color}
              type="button"
              role="radio"
              aria-checked={form.color === color}
              aria-label={colourName(color)}
              title={colourName(color)}
              data-testid={`profile-color-${color.slice(1)}`}
              className="color-swatch"
              style={{ background: color }}
              onClick={() => update('color', color)}
            />
          ))}
        </span>
      </Field>
    </div>
  );
}
