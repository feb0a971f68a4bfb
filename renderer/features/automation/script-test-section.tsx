import { Suspense, lazy, useState } from 'react';
import { ScriptTestPane } from './script-test-pane';
import { useTranslation } from '../../ui/i18n';

const ScriptEditor = lazy(() => import('./script-editor'));

const SAMPLE_SCRIPT = [
  '// Paste a codec script (decode/encode) or a responder (respond) and run it on a sample or the open message.',
  'function decode(payload, message) {',
  '  const text = utf8Decode(payload);',
  '  log("decoding", payload.length, "bytes on", message.topic);',
  '  return JSON.parse(text);',
  '}',
  '',
].join('\n');

/** Any script, tried out without saving it anywhere: the same sandbox and limits as live use. */
export function ScriptTestSection() {
  const { t } = useTranslation('automation');
  const [source, setSource] = useState(SAMPLE_SCRIPT);
  return (
    <div className="script-test-section">
      <Suspense fallback={<p className="empty">{t('loadingEditor')}</p>}>
        <ScriptEditor value={source} onChange={setSource} testId="script-test-editor" height={200} />
      </Suspense>
      <ScriptTestPane source={source} functions={['decode', 'encode', 'respond']} testId="script-test" />
    </div>
  );
}
