import { Field } from '../../../ui/field';
import { PROFILE_COLORS } from './form-model';
import type { SectionProps } from './section-props';

/** What each swatch is called, for its label and tooltip (a hex code says nothing). */
const COLOR_NAMES: Record<string, string> = {
  '#0969da': 'Blue',
  '#1a7f37': 'Green',
  '#9a6700': 'Amber',
  '#cf222e': 'Red',
  '#8250df': 'Purple',
  '#bf3989': 'Pink',
  '#0a7a8a': 'Teal',
  '#6e7781': 'Grey',
};

/** Name, folder and colour: how the profile is found in the sidebar. */
export function ProfileFields({ form, update, problems }: SectionProps) {
  return (
    <div className="form-grid profile-fields">
      <Field label="Name" className="span-2" problem={problems.name} testId="profile-name">
        <input data-testid="profile-name" value={form.name} placeholder="e.g. Plant broker" onChange={(e) => update('name', e.target.value)} />
      </Field>
      <Field label="Folder" className="span-1" problem={problems.folder} testId="profile-folder">
        <input data-testid="profile-folder" value={form.folder} placeholder="A/B" spellCheck={false} onChange={(e) => update('folder', e.target.value)} />
      </Field>
      <Field label="Colour" className="span-1" problem={problems.color}>
        <span className="color-picker" role="radiogroup" aria-label="Colour">
          {PROFILE_COLORS.map((color) => (
            <button
              key={color}
              type="button"
              role="radio"
              aria-checked={form.color === color}
              aria-label={COLOR_NAMES[color] ?? color}
              title={COLOR_NAMES[color] ?? color}
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
