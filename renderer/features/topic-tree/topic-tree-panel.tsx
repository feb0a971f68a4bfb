import { useCallback, useEffect, useState } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import type { TopicSort } from '../../model/topic-tree';
import { lastMessageOf, peekTree, treeOf, useTopicTreeStore } from '../../stores/topic-tree-store';
import { useUiStore } from '../../stores/ui-store';
import { TopicDetail } from './topic-detail';
import { TopicTreeList } from './topic-tree-list';
import { Trans, useTranslation } from '../../ui/i18n';
import './topic-tree.css';

/** Filters apply this long after the last key press: each one walks every node. */
const FILTER_DEBOUNCE_MS = 200;

/** Icons of the expand/collapse-all buttons (their names are in the title). */
const EXPAND_ICON = '⊞';
const COLLAPSE_ICON = '⊟';

const SORTS: readonly TopicSort[] = ['name', 'messages', 'recent', 'msgRate', 'byteRate'];

/** Topic and message counts, sort, expand/collapse all: in the panel header. */
export function TopicTreeToolbar() {
  const { t } = useTranslation('topicTree');
  const activeId = useConnectionsStore((s) => s.activeId);
  useTopicTreeStore((s) => s.version);
  const sort = useTopicTreeStore((s) => s.sort);
  const setSort = useTopicTreeStore((s) => s.setSort);
  const setAllExpanded = useTopicTreeStore((s) => s.setAllExpanded);
  const tree = peekTree(activeId);
  return (
    <div className="toolbar topic-tree-toolbar">
      <span className="muted" data-testid="topic-tree-count">
        {t('count', { count: tree?.topicCount ?? 0 })}
      </span>
      <select data-testid="topic-tree-sort" value={sort} title={t('sortBy')} onChange={(e) => setSort(e.target.value as TopicSort)}>
        {SORTS.map((s) => (
          <option key={s} value={s}>
            {t(`sort.${s}`)}
          </option>
        ))}
      </select>
      <button type="button" className="icon-button" data-testid="topic-tree-expand-all" title={t('expandAllTitle')} aria-label={t('expandAll')} disabled={!tree} onClick={() => activeId && setAllExpanded(activeId, true)}>
        {EXPAND_ICON}
      </button>
      <button type="button" className="icon-button" data-testid="topic-tree-collapse-all" title={t('collapseAll')} aria-label={t('collapseAll')} disabled={!tree} onClick={() => activeId && setAllExpanded(activeId, false)}>
        {COLLAPSE_ICON}
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
  const { t } = useTranslation('topicTree');
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
        {t('noConnection')}
      </p>
    );
  }
  const isEmpty = !tree || tree.topicCount === 0;
  return (
    <div className="topic-tree">
      <div className="topic-tree-filters">
        <DebouncedFilter key={`t-${activeId}`} value={topicFilter} onChange={setTopicFilter} placeholder={t('filterTopics')} title={t('filterTopicsTitle')} testId="topic-tree-filter" />
        <DebouncedFilter key={`p-${activeId}`} value={payloadFilter} onChange={setPayloadFilter} placeholder={t('filterValues')} title={t('filterValuesTitle')} testId="topic-tree-payload-filter" />
      </div>
      {isEmpty ? (
        <p className="empty" data-testid="topic-tree-empty">
          <Trans t={t} i18nKey="noTopics" components={{ code: <code /> }} />
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
