import { type KeyboardEvent, type ReactNode, useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { TopicTree, TreeRow } from '../../model/topic-tree';
import { useTopicTreeStore } from '../../stores/topic-tree-store';
import { useScrollWindow } from '../../ui/use-scroll-window';
import { TopicRow } from './topic-row';
import { useTranslation } from '../../ui/i18n';

/** Matches --row-height in app.css. */
const ROW_HEIGHT = 22;
const OVERSCAN = 6;

export interface TopicTreeListProps {
  connectionId: string;
  tree: TopicTree;
  selectedTopic: string | null;
  onSelect(topic: string): void;
  /** Enter on a node, or Delete: what the panel does with it. */
  onActivate(topic: string): void;
  onDeleteRequest(topic: string): void;
}

/**
 * The rows of the tree, windowed: only those in view (plus a few) are in the DOM, so 100,000
 * expanded topics cost the same as 40. The row list is rebuilt when the structure changes (new
 * nodes at most a few times a second, expand, filter, sort); value changes only re-render the rows
 * in view. Keyboard: arrows move and open/close, Home/End, Enter, Delete, * expands all.
 */
export function TopicTreeList({ connectionId, tree, selectedTopic, onSelect, onActivate, onDeleteRequest }: TopicTreeListProps) {
  const { t } = useTranslation('topicTree');
  const structure = useTopicTreeStore((s) => s.structure);
  const version = useTopicTreeStore((s) => s.version);
  const topicFilter = useTopicTreeStore((s) => s.topicFilter);
  const payloadFilter = useTopicTreeStore((s) => s.payloadFilter);
  const sort = useTopicTreeStore((s) => s.sort);
  const toggle = useTopicTreeStore((s) => s.toggle);
  const setAllExpanded = useTopicTreeStore((s) => s.setAllExpanded);

  // Recency and message-count orders change with values, but rows jumping under the cursor on every
  // frame is unreadable: they re-sort when the store bumps the structure (about once a second).
  const rows: TreeRow[] = useMemo(
    () => tree.rows({ topicFilter, payloadFilter, sort }),
    [tree, structure, topicFilter, payloadFilter, sort],
  );
  const selectedIndex = useMemo(() => (selectedTopic === null ? -1 : rows.findIndex((r) => r.node.topic === selectedTopic)), [rows, selectedTopic]);

  const { scroller, setScrollTop, viewport, first, last } = useScrollWindow(rows.length, ROW_HEIGHT, OVERSCAN);
  const scrollToSelected = useRef(false);

  // Keeps the row chosen by keyboard in view.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!scrollToSelected.current || !element || selectedIndex < 0) return;
    scrollToSelected.current = false;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    setScrollTop(element.scrollTop);
  }, [selectedIndex, scroller, setScrollTop, viewport]);

  const onToggle = useCallback((topic: string) => toggle(connectionId, topic), [toggle, connectionId]);

  const moveTo = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!row) return;
    scrollToSelected.current = true;
    onSelect(row.node.topic);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const row = rows[selectedIndex];
    const open = row ? row.forcedOpen || row.node.expanded : false;
    const pageRows = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(selectedIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(selectedIndex < 0 ? 0 : selectedIndex - 1);
        break;
      case 'PageDown':
        moveTo(selectedIndex + pageRows);
        break;
      case 'PageUp':
        moveTo(selectedIndex - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!row) moveTo(0);
        else if (row.node.children && !open) toggle(connectionId, row.node.topic, true);
        else if (row.node.children) moveTo(selectedIndex + 1);
        break;
      case 'ArrowLeft':
        if (!row) break;
        if (row.node.children && open && !row.forcedOpen) toggle(connectionId, row.node.topic, false);
        else if (row.node.parent && row.node.parent.parent) {
          scrollToSelected.current = true;
          onSelect(row.node.parent.topic);
        }
        break;
      case 'Enter':
        if (!row) break;
        if (row.node.children) toggle(connectionId, row.node.topic);
        onActivate(row.node.topic);
        break;
      case 'Delete':
        if (row) onDeleteRequest(row.node.topic);
        break;
      case '*':
        setAllExpanded(connectionId, true);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const items: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const row = rows[index]!;
    items.push(
      <div key={row.node.topic} className="virtual-row" style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}>
        <TopicRow
          node={row.node}
          open={row.forcedOpen || row.node.expanded}
          selected={index === selectedIndex}
          version={version}
          onSelect={onSelect}
          onToggle={onToggle}
        />
      </div>,
    );
  }

  return (
    <div
      className="topic-tree-scroller"
      ref={scroller}
      role="tree"
      aria-label={t('treeLabel')}
      tabIndex={0}
      data-testid="topic-tree"
      data-rows={rows.length}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      {rows.length === 0 && (topicFilter.trim() || payloadFilter.trim()) ? (
        <p className="empty" data-testid="topic-tree-no-match">
          {t('noMatch')}
        </p>
      ) : (
        <div className="virtual-body" style={{ height: rows.length * ROW_HEIGHT }}>
          {items}
        </div>
      )}
    </div>
  );
}
