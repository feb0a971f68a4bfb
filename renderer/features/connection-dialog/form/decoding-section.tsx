import { CodecSettingsEditor } from '../../codecs';
import type { SectionProps } from './section-props';

/** The profile's codec rules (issue 16): they come before the rules for all connections. */
export function DecodingSection({ form, update, editing }: SectionProps & { editing: boolean }) {
  return (
    <div className="decoding-section" data-testid="decoding-section">
      {!editing && <p className="muted">Rules are kept with the saved profile; a quick connection decodes with the rules for all connections (Decoding in the top bar).</p>}
      <CodecSettingsEditor
        value={form.codecs}
        onChange={(codecs) => {
          update('codecs', codecs);
          update('codecsChanged', true);
        }}
        scopeNote="This profile's rules come first, then those for all connections."
      />
    </div>
  );
}
