import { useTimeFormat } from '../../stores/ui-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { memo } from 'react';
import { RECENT_CHANGE_MS, type TopicNode } from '../../model/topic-tree';
import { formatClock, formatDateTime, timeFormat } from '../../ui/clock';
import { describeViolations } from '../../payload/decoded';

/** The full local date and time, for a row's title: one string per second seen (in the format chosen). */
const dateTimes = new Map<number, string>();
let dateTimesFormat = timeFormat();
function fullTime(timestamp: number): string {
  if (dateTimesFormat !== timeFormat()) {
    dateTimes.clear();
    dateTimesFormat = timeFormat();
  }
  const second = Math.floor(timestamp / 1000);
  let text = dateTimes.get(second);
  if (text === undefined) {
    // Rows show recent times: a few hundred seconds cover them, so the cache stays small.
    if (dateTimes.size >= 512) dateTimes.clear();
    dateTimes.set(second, (text = formatDateTime(timestamp)));
  }
  return text;
}

/** The mark of a node with retained messages below it (R marks one retained here; the title says which). */
const RETAINED_BELOW = 'r';

export interface TopicRowProps {
  node: TopicNode;
  /** Expanded, by the user or for the filter. */
  open: boolean;
  selected: boolean;
  /** Changes whenever the tree's values do, so a memoized row re-renders with them. */
  version: number;
  onSelect(topic: string): void;
  onToggle(topic: string): void;
}

/**
 * One node: level name, last value, counts, retained mark, time. The node is mutable and read
 * here; only the rows in view render, once per frame at most. A recent change adds an element
 * whose CSS animation is the flash: no timer per node, and its key restarts it on a new change.
 */
export const TopicRow = memo(function TopicRow({ node, open, selected, onSelect, onToggle }: TopicRowProps) {
  useTimeFormat();
  const { t } = useTranslation('topicTree');
  const hasChildren = node.children !== null;
  const now = Date.now();
  const isRecent = now - node.changedAt < RECENT_CHANGE_MS;
  // Flash at the start of a run of changes, then a steady tint while they go on (see RECENT_CHANGE_MS).
  const isFlashing = isRecent && now - node.burstStartedAt < RECENT_CHANGE_MS;
  const time = node.hasValue ? node.valueTimestamp : node.lastTimestamp;
  return (
    <div
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={hasChildren ? open : undefined}
      aria-selected={selected}
      className={`topic-row${selected ? ' selected' : ''}${isRecent && !isFlashing ? ' changing' : ''}`}
      data-testid="topic-node"
      data-topic={node.topic}
      style={{ paddingLeft: 4 + node.depth * 14 }}
      onClick={() => onSelect(node.topic)}
      onDoubleClick={() => hasChildren && onToggle(node.topic)}
    >
      {/* Keyed by the run's start: one flash per run of changes, never restarted by the next one. */}
      {isFlashing && <span className="topic-flash" key={node.burstStartedAt} aria-hidden="true" />}
      <span
        className="topic-caret"
        data-testid={hasChildren ? 'topic-toggle' : undefined}
        onClick={(event) => {
          if (!hasChildren) return;
          event.stopPropagation();
          onToggle(node.topic);
        }}
      >
        {hasChildren ? (open ? '▾' : '▸') : ''}
      </span>
      <span className={`topic-name${node.name === '' ? ' empty-level' : ''}`} title={node.topic}>
        {node.name === '' ? t('empty') : node.name}
      </span>
      <span
        className={`topic-value${node.isBinary ? ' binary' : ''}${node.decoded ? ' decoded' : ''}${node.decoded?.invalid?.length ? ' invalid' : ''}`}
        data-testid="topic-value"
        data-decoded={node.decoded?.format}
        data-invalid={node.decoded?.invalid?.length ? 'true' : undefined}
        title={
          node.hasValue
            ? node.decoded
              ? `${node.preview}\n${t('row.decodedBy', { rule: node.decoded.ruleName || node.decoded.ruleId, format: node.decoded.format })}${node.decoded.invalid?.length ? `\n${t('row.failsSchema')}\n${describeViolations(node.decoded.invalid)}` : ''}`
              : node.preview
            : undefined
        }
      >
        {node.hasValue ? (node.payloadSize === 0 ? t('empty') : node.preview) : ''}
      </span>
      <span className="topic-counts" title={`${t('row.messages', { count: node.totalMessages })}${hasChildren ? t('row.topicsBelow', { count: node.subTopics }) : ''}`}>
        {hasChildren && (
          <span className="topic-subtopics" data-testid="topic-subtopics">
            {t('row.subtopics', { count: node.subTopics })}
          </span>
        )}
        <span className="topic-messages" data-testid="topic-messages">
          {formatNumber(node.totalMessages)}
        </span>
      </span>
      <span className="topic-retained" data-testid={node.retainedTopics > 0 ? 'topic-retained' : undefined} title={
          node.retained
            ? `${t('row.retainedHere')}${node.retainedTopics > 1 ? t('row.retainedAlsoBelow', { count: node.retainedTopics - 1 }) : ''}`
            : node.retainedTopics > 0
              ? t('row.retainedBelow', { count: node.retainedTopics })
              : undefined
        }>
        {node.retained ? 'R' : node.retainedTopics > 0 ? RETAINED_BELOW : ''}
      </span>
      <span className="topic-time" title={time ? fullTime(time) : undefined}>
        {time ? formatClock(time) : ''}
      </span>
    </div>
  );
});
