import { Suspense, lazy } from 'react';
import { scriptTestSample } from './samples';
import { useSample } from './use-sample';
import { ScriptTestPane } from './script-test-pane';
import { useTranslation } from '../../ui/i18n';

const ScriptEditor = lazy(() => import('./script-editor'));

/** Any script, tried out without saving it anywhere: the same sandbox and limits as live use. */
export function ScriptTestSection() {
  const { t } = useTranslation('automation');
  const [source, setSource] = useSample(scriptTestSample);
  return (
    <div className="script-test-section">
      <Suspense fallback={<p className="empty">{t('loadingEditor')}</p>}>
        <ScriptEditor value={source} onChange={setSource} testId="script-test-editor" height={200} />
      </Suspense>
      <ScriptTestPane source={source} functions={['decode', 'encode', 'respond']} testId="script-test" />
    </div>
  );
}
