import { useEffect, useRef } from 'react';
import { MessagesPanel, MessagesToolbar } from '../features/messages/messages-panel';
import { PlotsDock } from '../features/plots/plots-panel';
import { PublishPanel, PublishToggle } from '../features/publish/publish-panel';
import { TopicTreePanel, TopicTreeToolbar } from '../features/topic-tree/topic-tree-panel';
import { usePlotsStore } from '../stores/plots-store';
import { useTopicTreeStore } from '../stores/topic-tree-store';
import { useUiStore } from '../stores/ui-store';
import { SplitGroup, SplitHandle, SplitPane, rememberedSize, useSplitPaneRef } from '../ui/split';
import { Panel } from './panel';

/** A collapsed Publish pane is its header's height: the form stays mounted, hidden, with its draft. */
const PUBLISH_COLLAPSED = '32px';

/**
 * The workbench's centre below the connection tabs: the traffic (topic tree beside the messages)
 * on top, then Plots while anything is plotted, then Publish, each pane resizable and remembered.
 * The defaults give the traffic most of the height (issue 14: at 1440x900 with a message open, 15
 * rows or more are in view; at 1280x720, 10 or more).
 */
export function CenterRows() {
  const topicsOpen = useTopicTreeStore((s) => s.panelOpen);
  const plotsShown = usePlotsStore((s) => s.series.length > 0);
  const publishOpen = useUiStore((s) => s.publishOpen);
  const publishPane = useSplitPaneRef();
  // The pane's collapsed state follows the Show/Hide button; before the first sync, a resize the
  // library reports while mounting must not overwrite the remembered choice.
  const synced = useRef(false);

  useEffect(() => {
    const pane = publishPane.current;
    if (!pane) return;
    if (publishOpen && pane.isCollapsed()) pane.expand();
    else if (!publishOpen && !pane.isCollapsed()) pane.collapse();
    synced.current = true;
  }, [publishOpen, publishPane]);

  // Dragged shut (or open) by its handle: the Show/Hide button says so.
  const onPublishResize = () => {
    const pane = publishPane.current;
    if (!pane || !synced.current) return;
    const open = !pane.isCollapsed();
    if (open !== useUiStore.getState().publishOpen) useUiStore.getState().setPublishOpen(open);
  };

  return (
    <SplitGroup id="rows" orientation="vertical" panes={plotsShown ? ['traffic', 'plots', 'publish'] : ['traffic', 'publish']} remember={['plots', 'publish']} className="center-rows">
      <SplitPane id="traffic" className="split-pane" minSize="140px">
        <SplitGroup id="traffic" orientation="horizontal" panes={topicsOpen ? ['topics', 'messages'] : ['messages']} remember={['topics']}>
          {topicsOpen && (
            <SplitPane id="topics" className="split-pane topics-column" defaultSize={rememberedSize('topics', '250px')} minSize="180px" maxSize="70%" groupResizeBehavior="preserve-pixel-size">
              <Panel name="topics" title="Topics" className="grow" actions={<TopicTreeToolbar />}>
                <TopicTreePanel />
              </Panel>
            </SplitPane>
          )}
          {topicsOpen && <SplitHandle id="topics" label="Resize the Topics panel" />}
          <SplitPane id="messages" className="split-pane" minSize="320px">
            <Panel name="messages" title="Messages" className="grow" actions={<MessagesToolbar />}>
              <MessagesPanel />
            </Panel>
          </SplitPane>
        </SplitGroup>
      </SplitPane>
      {plotsShown && <SplitHandle id="plots" label="Resize the Plots panel" />}
      {plotsShown && (
        <SplitPane id="plots" className="split-pane" defaultSize={rememberedSize('plots', '220px')} minSize="120px" groupResizeBehavior="preserve-pixel-size">
          <PlotsDock />
        </SplitPane>
      )}
      <SplitHandle id="publish" label="Resize the Publish panel" />
      <SplitPane
        id="publish"
        className="split-pane"
        panelRef={publishPane}
        defaultSize={rememberedSize('publish', '250px')}
        minSize="170px"
        collapsible
        collapsedSize={PUBLISH_COLLAPSED}
        groupResizeBehavior="preserve-pixel-size"
        onResize={onPublishResize}
      >
        <Panel name="publish" title="Publish" className="grow publish-panel" collapsed={!publishOpen} actions={<PublishToggle />}>
          <PublishPanel />
        </Panel>
      </SplitPane>
    </SplitGroup>
  );
}
