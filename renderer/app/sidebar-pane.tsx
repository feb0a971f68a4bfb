import type { ReactNode } from 'react';
import { useTranslation } from '../ui/i18n';
import { SplitHandle, SplitPane } from '../ui/split';

/**
 * The left column of a connection's workspace and its resize handle, the same in the main window
 * and in a connection's own window (so both remember one width under the id 'sidebar').
 */
export function SidebarPane({ children }: { children: ReactNode }) {
  const { t } = useTranslation('app');
  return (
    <>
      <SplitPane id="sidebar" className="split-pane sidebar" rememberedDefault="20%" minSize="200px" maxSize="45%" groupResizeBehavior="preserve-pixel-size">
        {children}
      </SplitPane>
      <SplitHandle id="sidebar" label={t('resize.sidebar')} />
    </>
  );
}
