import { type KeyboardEvent, type PointerEvent, useEffect, useRef, useState } from 'react';
import { Panel } from '../../app/panel';
import { useTopicTreeStore } from '../../stores/topic-tree-store';
import { TopicTreePanel, TopicTreeToolbar } from './topic-tree-panel';

/** The Topics panel beside the message list, with a handle to resize it (drag, or arrows when focused). */
export function TopicsColumn() {
  const open = useTopicTreeStore((s) => s.panelOpen);
  const width = useTopicTreeStore((s) => s.panelWidth);
  const setWidth = useTopicTreeStore((s) => s.setPanelWidth);
  const drag = useRef<{ x: number; width: number } | null>(null);
  const [isDragging, setDragging] = useState(false);
  if (!open) return null;

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, width };
    setDragging(true);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setWidth(drag.current.width + event.clientX - drag.current.x);
  };
  const onPointerUp = () => {
    drag.current = null;
    setDragging(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      setWidth(width + (event.key === 'ArrowLeft' ? -20 : 20));
    }
  };

  return (
    <>
      <div className="topics-column" style={{ width }}>
        <Panel name="topics" title="Topics" className="grow" actions={<TopicTreeToolbar />}>
          <TopicTreePanel />
        </Panel>
      </div>
      <div
        className={`split-handle${isDragging ? ' dragging' : ''}`}
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the Topics panel"
        aria-valuenow={width}
        tabIndex={0}
        data-testid="topics-resize"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
    </>
  );
}

/** Shows or hides the Topics panel (Alt+T). */
export function TopicsToggle() {
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
    <button type="button" className="small" data-testid="topics-toggle" aria-pressed={open} title="Topic tree (Alt+T)" onClick={() => setOpen(!open)}>
      {open ? 'Hide topics' : 'Topics'}
    </button>
  );
}
