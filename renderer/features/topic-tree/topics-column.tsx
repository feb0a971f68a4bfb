import { useEffect } from 'react';
import { useTopicTreeStore } from '../../stores/topic-tree-store';
import { useTranslation } from '../../ui/i18n';

/** Shows or hides the Topics panel (Alt+T). */
export function TopicsToggle() {
  const { t } = useTranslation('topicTree');
  const open = useTopicTreeStore((s) => s.panelOpen);
  const setOpen = useTopicTreeStore((s) => s.setPanelOpen);
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.key.toLowerCase() === 't') {
        event.preventDefault();
        const state = useTopicTreeStore.getState();
        state.setPanelOpen(!state.panelOpen);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <button type="button" className="small" data-testid="topics-toggle" aria-pressed={open} title={t('toggleTitle')} onClick={() => setOpen(!open)}>
      {open ? t('hideTopics') : t('showTopics')}
    </button>
  );
}
