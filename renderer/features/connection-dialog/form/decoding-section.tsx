import { useTranslation } from '../../../ui/i18n';
import { CodecSettingsEditor } from '../../codecs';
import type { SectionProps } from './section-props';

/** The profile's codec rules (issue 16): they come before the rules for all connections. */
export function DecodingSection({ form, update, editing }: SectionProps & { editing: boolean }) {
  const { t } = useTranslation('connectionDialog');
  return (
    <div className="decoding-section" data-testid="decoding-section">
      {!editing && <p className="muted">{t('decoding.quickNote')}</p>}
      <CodecSettingsEditor
        value={form.codecs}
        onChange={(codecs) => {
          update('codecs', codecs);
          update('codecsChanged', true);
        }}
        scopeNote={t('decoding.scope')}
      />
    </div>
  );
}
