import { formatCountOf } from '../../ui/numbers';
import { useCallback, useEffect, useState } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import type { TopicSort } from '../../model/topic-tree';
import { lastMessageOf, peekTree, treeOf, useTopicTreeStore } from '../../stores/topic-tree-store';
import { useUiStore } from '../../stores/ui-store';
import { TopicDetail } from './topic-detail';
import { TopicTreeList } from './topic-tree-list';
import './topic-tree.css';

/** Filters apply this long after the last key press: each one walks every node. */
const FILTER_DEBOUNCE_MS = 200;

const SORTS: { key: TopicSort; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'messages', label: 'Messages' },
  { key: 'recent', label: 'Recent' },
  { key: 'msgRate', label: 'Msg/s (1 min)' },
  { key: 'byteRate', label: 'Bytes/s (1 min)' },
];

/** Topic and message counts, sort, expand/collapse all: in the panel header. */
export function TopicTreeToolbar() {
  const activeId = useConnectionsStore((s) => s.activeId);
  useTopicTreeStore((s) => s.version);
  const sort = useTopicTreeStore((s) => s.sort);
  const setSort = useTopicTreeStore((s) => s.setSort);
  const setAllExpanded = useTopicTreeStore((s) => s.setAllExpanded);
  const tree = peekTree(activeId);
  return (
    <div className="toolbar topic-tree-toolbar">
      <span className="muted" data-testid="topic-tree-count">
        {formatCountOf(tree?.topicCount ?? 0, 'topic')}
      </span>
      <select data-testid="topic-tree-sort" value={sort} title="Sort by" onChange={(e) => setSort(e.target.value as TopicSort)}>
        {SORTS.map((s) => (
          <option key={s.key} value={s.key}>
            {s.label}
          </option>
        ))}
      </select>
      <button type="button" className="icon-button" data-testid="topic-tree-expand-all" title="Expand all (*)" aria-label="Expand all" disabled={!tree} onClick={() => activeId && setAllExpanded(activeId, true)}>
        ⊞
      </button>
      <button type="button" className="icon-button" data-testid="topic-tree-collapse-all" title="Collapse all" aria-label="Collapse all" disabled={!tree} onClick={() => activeId && setAllExpanded(activeId, false)}>
        ⊟
      </button>
    </div>
  );
}

/** A text input whose value reaches the store only after the user pauses typing. */
function DebouncedFilter({ value, onChange, placeholder, title, testId }: { value: string; onChange(value: string): void; placeholder: string; title: string; testId: string }) {
  const [text, setText] = useState(value);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <input
      type="search"
      data-testid={testId}
      placeholder={placeholder}
      title={title}
      aria-label={title}
      value={text}
      spellCheck={false}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setText('');
      }}
    />
  );
}

export function TopicTreePanel() {
  const activeId = useConnectionsStore((s) => s.activeId);
  const structure = useTopicTreeStore((s) => s.structure);
  const topicFilter = useTopicTreeStore((s) => s.topicFilter);
  const payloadFilter = useTopicTreeStore((s) => s.payloadFilter);
  const setTopicFilter = useTopicTreeStore((s) => s.setTopicFilter);
  const setPayloadFilter = useTopicTreeStore((s) => s.setPayloadFilter);
  const selectedTopic = useTopicTreeStore((s) => (activeId ? (s.selected[activeId] ?? null) : null));
  const selectTopic = useTopicTreeStore((s) => s.select);
  const selectMessage = useUiStore((s) => s.selectMessage);
  const [deleteTopic, setDeleteTopic] = useState<string | null>(null);

  /** Shows the node's last message in the message detail when the live list still holds it. */
  const onSelect = useCallback(
    (topic: string) => {
      if (!activeId) return;
      selectTopic(activeId, topic);
      const node = peekTree(activeId)?.find(topic);
      selectMessage((node && lastMessageOf(activeId, node)?.seq) ?? null);
    },
    [activeId, selectTopic, selectMessage],
  );

  const tree = activeId ? peekTree(activeId) : undefined;
  // Re-read after the structure changed: the first batch of a connection creates its tree.
  void structure;
  if (!activeId) {
    return (
      <p className="empty" data-testid="topic-tree-empty">
        Connect to a broker to see its topics here.
      </p>
    );
  }
  const isEmpty = !tree || tree.topicCount === 0;
  return (
    <div className="topic-tree">
      <div className="topic-tree-filters">
        <DebouncedFilter key={`t-${activeId}`} value={topicFilter} onChange={setTopicFilter} placeholder="Filter topics" title="Part of a topic, any case; or an MQTT filter with + and #" testId="topic-tree-filter" />
        <DebouncedFilter key={`p-${activeId}`} value={payloadFilter} onChange={setPayloadFilter} placeholder="Filter values" title="Part of the last value, any case" testId="topic-tree-payload-filter" />
      </div>
      {isEmpty ? (
        <p className="empty" data-testid="topic-tree-empty">
          No topics yet. Subscribe (e.g. to <code>#</code>) and the topics the broker sends build up here.
        </p>
      ) : (
        <TopicTreeList
          connectionId={activeId}
          tree={treeOf(activeId)}
          selectedTopic={selectedTopic}
          onSelect={onSelect}
          onActivate={onSelect}
          onDeleteRequest={setDeleteTopic}
        />
      )}
      {selectedTopic !== null && tree && (
        <TopicDetail key={`${activeId}:${selectedTopic}`} connectionId={activeId} topic={selectedTopic} deleting={deleteTopic === selectedTopic} onDeleteRequest={setDeleteTopic} onDeleteDone={() => setDeleteTopic(null)} />
      )}
    </div>
  );
}
