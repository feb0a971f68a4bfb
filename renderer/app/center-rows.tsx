import { type ReactNode, Suspense, lazy, useEffect, useRef } from 'react';
import { CollectionsPanel } from '../features/collections';
import { MessagesPanel, MessagesToolbar } from '../features/messages/messages-panel';
import { PublishPanel, PublishToggle } from '../features/publish/publish-panel';
import { TopicTreePanel, TopicTreeToolbar } from '../features/topic-tree/topic-tree-panel';
import { usePlotsStore } from '../stores/plots-store';
import { useTopicTreeStore } from '../stores/topic-tree-store';
import { useUiStore } from '../stores/ui-store';
import { SplitGroup, SplitHandle, SplitPane, useSplitPaneRef } from '../ui/split';
import { Panel } from '../ui/panel';
import { useTranslation } from '../ui/i18n';

// uPlot and the Plots panel load with the first plotted series, not at start (issue 19: start-up).
const PlotsDock = lazy(() => import('../features/plots/plots-panel').then((module) => ({ default: module.PlotsDock })));

/** A collapsed pane is its panel header's height: the body stays mounted, hidden (the draft is kept). */
const COLLAPSED = '32px';

/**
 * Keeps a collapsible pane and its Show/Hide button in step: the button collapses or expands the
 * pane, and a pane dragged shut (or open) by its handle sets the button. Before the first sync, a
 * resize the library reports while mounting must not overwrite the remembered choice.
 */
function useCollapsible(open: boolean, setOpen: (open: boolean) => void) {
  const pane = useSplitPaneRef();
  const synced = useRef(false);
  useEffect(() => {
    const current = pane.current;
    if (!current) return;
    if (open && current.isCollapsed()) current.expand();
    else if (!open && !current.isCollapsed()) current.collapse();
    synced.current = true;
  }, [open, pane]);
  const onResize = () => {
    const current = pane.current;
    if (!current || !synced.current) return;
    const isOpen = !current.isCollapsed();
    if (isOpen !== open) setOpen(isOpen);
  };
  return { pane, onResize };
}

/** A pane of fixed pixel height (kept when the window resizes) that folds to its header; its size is remembered. */
function CollapsiblePane({
  id,
  control,
  defaultSize,
  minSize,
  children,
}: {
  id: string;
  control: ReturnType<typeof useCollapsible>;
  defaultSize: string;
  minSize: string;
  children: ReactNode;
}) {
  return (
    <SplitPane
      id={id}
      className="split-pane"
      panelRef={control.pane}
      rememberedDefault={defaultSize}
      minSize={minSize}
      collapsible
      collapsedSize={COLLAPSED}
      groupResizeBehavior="preserve-pixel-size"
      onResize={control.onResize}
    >
      {children}
    </SplitPane>
  );
}

/**
 * The workbench's centre below the connection tabs: the traffic (topic tree beside the messages)
 * on top, then Plots while anything is plotted, then Publish, each pane resizable and remembered.
 * The defaults give the traffic most of the height (issue 14: at 1440x900 with a message open, 15
 * rows or more are in view; at 1280x720, 10 or more).
 */
export function CenterRows() {
  const { t } = useTranslation('app');
  const topicsOpen = useTopicTreeStore((s) => s.panelOpen);
  const plotsShown = usePlotsStore((s) => s.series.length > 0);
  const publishOpen = useUiStore((s) => s.publishOpen);
  const plotsOpen = useUiStore((s) => s.plotsOpen);
  const publish = useCollapsible(publishOpen, useUiStore.getState().setPublishOpen);
  const plots = useCollapsible(plotsOpen, useUiStore.getState().setPlotsOpen);

  return (
    <SplitGroup id="rows" orientation="vertical" panes={plotsShown ? ['traffic', 'plots', 'publish'] : ['traffic', 'publish']} remember={['plots', 'publish']} className="center-rows">
      {/* A share, not pixels: Plots and Publish keep their pixel heights when the window shrinks, and
          a layout made on a big screen must not leave the traffic one row high on a small one. */}
      <SplitPane id="traffic" className="split-pane" minSize="35%">
        <SplitGroup id="traffic" orientation="horizontal" panes={topicsOpen ? ['topics', 'messages'] : ['messages']} remember={['topics']}>
          {topicsOpen && (
            <SplitPane id="topics" className="split-pane topics-column" rememberedDefault="250px" minSize="180px" maxSize="70%" groupResizeBehavior="preserve-pixel-size">
              <Panel name="topics" title={t('panels.topics')} className="grow" actions={<TopicTreeToolbar />}>
                <TopicTreePanel />
              </Panel>
            </SplitPane>
          )}
          {topicsOpen && <SplitHandle id="topics" label={t('resize.topics')} />}
          <SplitPane id="messages" className="split-pane" minSize="320px">
            <Panel name="messages" title={t('panels.messages')} className="grow" actions={<MessagesToolbar />}>
              <MessagesPanel />
            </Panel>
          </SplitPane>
        </SplitGroup>
      </SplitPane>
      {plotsShown && <SplitHandle id="plots" label={t('resize.plots')} />}
      {plotsShown && (
        <CollapsiblePane id="plots" control={plots} defaultSize="220px" minSize="120px">
          <Suspense fallback={null}>
            <PlotsDock />
          </Suspense>
        </CollapsiblePane>
      )}
      <SplitHandle id="publish" label={t('resize.publish')} />
      <CollapsiblePane id="publish" control={publish} defaultSize="230px" minSize="170px">
        {/* Collections beside Publish: saved messages load into it and it saves into them. */}
        <SplitGroup id="publish-row" orientation="horizontal" panes={['publish-form', 'collections']} remember={['collections']}>
          <SplitPane id="publish-form" className="split-pane" minSize="360px">
            <Panel name="publish" title={t('panels.publish')} className="grow publish-panel" collapsed={!publishOpen} actions={<PublishToggle />}>
              <PublishPanel />
            </Panel>
          </SplitPane>
          <SplitHandle id="collections" label={t('resize.collections')} />
          <SplitPane id="collections" className="split-pane" rememberedDefault="360px" minSize="240px" maxSize="60%" groupResizeBehavior="preserve-pixel-size">
            <Panel name="collections" title={t('panels.collections')} className="grow" collapsed={!publishOpen}>
              <CollectionsPanel />
            </Panel>
          </SplitPane>
        </SplitGroup>
      </CollapsiblePane>
    </SplitGroup>
  );
}
