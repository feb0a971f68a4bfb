import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PAYLOAD_SEARCH_MAX_TEXT } from '../../../shared/contract';
import { useConnectionsStore } from '../../stores/connections-store';
import { useMessageViewStore } from '../../stores/message-view-store';
import { messageAt, messageBySeq, ringOf, useMessageCounts, useMessagesStore } from '../../stores/messages-store';
import { type PayloadSearch, payloadSearchFor, usePayloadSearchStore } from '../../stores/payload-search-store';
import { useUiStore } from '../../stores/ui-store';
import { SplitGroup, SplitHandle, SplitPane } from '../../ui/split';
import { VirtualList } from '../../ui/virtual-list';
import { MessageDetail } from './message-detail';
import { type DirectionView, FilteredIndex, createMatcher, isFilterActive, topicFilterInputProblem } from '../../payload/message-filter';
import { FirstRun, useIsFirstRun } from '../first-run';
import { MessageHeader, MessageRow, columnWidthStyle } from './message-row';
import './messages.css';

/** Matches --row-height in app.css. */
const ROW_HEIGHT = 22;
/** The text filter waits this long after the last keystroke: a rescan per key would stutter. */
const TEXT_DEBOUNCE_MS = 200;
const DIRECTIONS: readonly DirectionView[] = ['all', 'in', 'out'];
const n = (value: number) => formatNumber(value);

export function MessagesToolbar() {
  const { t } = useTranslation('messages');
  const activeId = useConnectionsStore((s) => s.activeId);
  const { size, total } = useMessageCounts(activeId);
  const clear = useMessagesStore((s) => s.clear);
  const selectMessage = useUiStore((s) => s.selectMessage);
  const pausedAt = useMessagesStore((s) => (activeId ? s.paused[activeId] : undefined));
  const setPaused = useMessagesStore((s) => s.setPaused);
  const waiting = pausedAt === undefined ? 0 : Math.max(0, total - pausedAt);
  const dropped = useMessagesStore((s) => s.droppedByHost);
  const dismissDropped = useMessagesStore((s) => s.dismissDropped);
  return (
    <div className="toolbar">
      <span className="muted" data-testid="messages-count">
        {/* More held than received live: messages from History came back after a reload. */}
        {size >= total ? t('count', { count: size }) : t('lastOf', { size: n(size), total: n(total) })}
      </span>
      <button
        type="button"
        data-testid="messages-pause"
        className={pausedAt === undefined ? '' : 'paused'}
        aria-pressed={pausedAt !== undefined}
        disabled={!activeId}
        title={pausedAt === undefined ? t('pauseTitle') : t('resumeTitle')}
        onClick={() => activeId && setPaused(activeId, pausedAt === undefined)}
      >
        {pausedAt === undefined ? t('pause') : t('resume')}
      </button>
      {pausedAt !== undefined && (
        <span className="messages-waiting" data-testid="messages-new" data-count={waiting}>
          {t('waiting', { n: n(waiting) })}
        </span>
      )}
      {dropped > 0 && (
        <span className="messages-waiting" data-testid="messages-dropped" data-count={dropped} role="status">
          {t('dropped', { count: dropped })}
          <button type="button" className="icon-button" title={t('dismiss')} aria-label={t('dismiss')} data-testid="messages-dropped-dismiss" onClick={dismissDropped}>
            ×
          </button>
        </span>
      )}
      <button
        type="button"
        data-testid="messages-clear"
        onClick={() => {
          if (!activeId) return;
          clear(activeId);
          // Seqs restart at 0: the open message must not turn into a new one with its old number.
          selectMessage(null);
        }}
        disabled={total === 0}
      >
        {t('clear')}
      </button>
    </div>
  );
}

/** How far the text filter reached into big payloads: still asking the host, or some it no longer holds. */
function WholePayloadSearchStatus({ search }: { search: PayloadSearch }) {
  const { t } = useTranslation('messages');
  usePayloadSearchStore((s) => s.version);
  if (search.asking > 0) {
    return (
      <span className="muted messages-search-status" data-testid="messages-search-status" data-state="searching">
        {t('searching', { count: search.asking })}
      </span>
    );
  }
  if (search.unsearched === 0) return null;
  return (
    <span
      className="messages-search-status"
      data-testid="messages-search-status"
      data-state="incomplete"
      title={t('unsearchedTitle')}
    >
      {t('unsearched', { count: search.unsearched })}
    </span>
  );
}

/** Direction, subscription, topic filter and text: what narrows the list. */
function MessagesFilterBar({ matched, search }: { matched: number | null; search: PayloadSearch | null }) {
  const { t } = useTranslation('messages');
  const filter = useMessageViewStore((s) => s.filter);
  const setFilter = useMessageViewStore((s) => s.setFilter);
  const activeId = useConnectionsStore((s) => s.activeId);
  const subscriptions = useConnectionsStore((s) => (activeId ? s.subscriptions[activeId] : undefined));
  const [topic, setTopic] = useState(filter.topic);
  const [text, setText] = useState(filter.text);
  const topicProblem = topicFilterInputProblem(topic);

  useEffect(() => {
    if (text === filter.text) return;
    const timer = setTimeout(() => setFilter({ text }), TEXT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, filter.text, setFilter]);

  const onTopic = (value: string) => {
    setTopic(value);
    // An invalid filter keeps the last valid one in force; the notice says why.
    if (topicFilterInputProblem(value) === null) setFilter({ topic: value });
  };

  const filters = subscriptions?.map((s) => s.filter) ?? [];
  if (filter.subscription !== '' && !filters.includes(filter.subscription)) filters.push(filter.subscription);

  return (
    <div className="messages-filters" data-testid="messages-filters">
      <div className="segmented" role="group" aria-label={t('direction.label')}>
        {DIRECTIONS.map((d) => (
          <button key={d} type="button" aria-pressed={filter.direction === d} data-testid={`messages-view-${d}`} onClick={() => setFilter({ direction: d })}>
            {t(`direction.${d}`)}
          </button>
        ))}
      </div>
      <select data-testid="messages-subscription" value={filter.subscription} title={t('subscriptionTitle')} onChange={(e) => setFilter({ subscription: e.target.value })}>
        <option value="">{t('anySubscription')}</option>
        {filters.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <input
        data-testid="messages-topic-filter"
        className={`messages-topic-filter${topicProblem ? ' invalid' : ''}`}
        placeholder={t('topicFilter')}
        value={topic}
        spellCheck={false}
        aria-invalid={topicProblem !== null}
        title={topicProblem ?? t('topicFilterTitle')}
        onChange={(e) => onTopic(e.target.value)}
      />
      <input
        data-testid="messages-text-filter"
        className="messages-text-filter"
        placeholder={t('searchText')}
        type="search"
        maxLength={PAYLOAD_SEARCH_MAX_TEXT}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
      />
      <label className="checkbox messages-only-invalid" title={t('onlyInvalidTitle')}>
        <input type="checkbox" data-testid="messages-only-invalid" checked={filter.onlyInvalid === true} onChange={(e) => setFilter({ onlyInvalid: e.target.checked })} />
        {t('onlyInvalid')}
      </label>
      {matched !== null && (
        <span className="muted messages-matched" data-testid="messages-matched">
          {t('shown', { n: n(matched) })}
        </span>
      )}
      {search && <WholePayloadSearchStatus search={search} />}
      {topicProblem && (
        <span className="field-problem messages-filter-problem" data-testid="messages-topic-filter-problem" role="alert">
          {topicProblem}
        </span>
      )}
    </div>
  );
}

/**
 * The rows the list shows: positions in the ring when nothing filters it, or an index of matching
 * seqs kept up to date incrementally. A paused connection stops at the total it paused at. Matches
 * the host finds later in whole payloads (`search`) are added as they come.
 */
function useVisibleRows(activeId: string | null, search: PayloadSearch | null) {
  useMessagesStore((s) => s.version);
  usePayloadSearchStore((s) => s.version);
  const pausedAt = useMessagesStore((s) => (activeId ? s.paused[activeId] : undefined));
  const filter = useMessageViewStore((s) => s.filter);
  const matcher = useMemo(() => createMatcher(filter, search), [filter, search]);
  const indexRef = useRef<{ key: unknown; connection: string | null; index: FilteredIndex; foundFrom: number } | null>(null);
  const until = pausedAt ?? Number.POSITIVE_INFINITY;
  const found = activeId ? ringOf(activeId) : undefined;

  if (!activeId || !found) return { count: 0, offset: 0, seqAt: () => undefined, matched: matcher ? 0 : null };
  if (!matcher) {
    const oldest = found.ring.at(0)?.seq ?? 0;
    const count = Math.max(0, Math.min(found.ring.size, until - oldest));
    return { count, offset: oldest, seqAt: (i: number) => messageAt(activeId, i)?.seq, matched: null };
  }
  if (indexRef.current?.key !== matcher || indexRef.current.connection !== activeId) {
    indexRef.current = { key: matcher, connection: activeId, index: new FilteredIndex(matcher), foundFrom: 0 };
  }
  const { index } = indexRef.current;
  index.sync(found.ring, found.epoch, until);
  if (search) {
    const late = search.foundSince(indexRef.current.foundFrom);
    indexRef.current.foundFrom = late.next;
    // Only messages still in the ring as they were (a clear restarts seqs; ids are never reused).
    index.include(late.found.filter(({ id, seq }) => messageBySeq(activeId, seq)?.id === id).map(({ seq }) => seq));
  }
  return { count: index.length, offset: index.dropped, seqAt: (i: number) => index.seqAt(i), matched: index.length };
}

export function MessagesPanel() {
  const { t } = useTranslation('messages');
  const activeId = useConnectionsStore((s) => s.activeId);
  const { total } = useMessageCounts(activeId);
  const firstRun = useIsFirstRun();
  const selectedSeq = useUiStore((s) => s.selectedSeq);
  const select = useUiStore((s) => s.selectMessage);
  const placement = useUiStore((s) => s.detailPlacement);
  const columnWidths = useUiStore((s) => s.columnWidths);
  const filter = useMessageViewStore((s) => s.filter);
  // Changes no store, so it may run during render; the same search while connection and text stay.
  const search = payloadSearchFor(activeId, filter.text);
  const { count, offset, seqAt, matched } = useVisibleRows(activeId, search);

  const renderRow = useCallback(
    (index: number) => {
      const seq = seqAt(index);
      const message = activeId && seq !== undefined ? messageBySeq(activeId, seq) : undefined;
      return message ? <MessageRow message={message} selected={message.seq === selectedSeq} onSelect={select} /> : null;
    },
    [seqAt, selectedSeq, select, activeId],
  );

  let body;
  if (total === 0 && firstRun) {
    body = <FirstRun />;
  } else if (total === 0) {
    body = (
      <p className="empty" data-testid="messages-empty">
        <Trans t={t} i18nKey="empty" components={{ code: <code /> }} />
      </p>
    );
  } else if (count === 0 && isFilterActive(filter)) {
    body = (
      <p className="empty" data-testid="messages-none-match">
        {t('noneMatch')}
      </p>
    );
  } else {
    // Opening a message stops following the newest row, so the row opened stays where it is.
    body = (
      <VirtualList
        key={`${activeId}:${JSON.stringify(filter)}`}
        count={count}
        offset={offset}
        rowHeight={ROW_HEIGHT}
        renderRow={renderRow}
        header={<MessageHeader />}
        holdOn={selectedSeq}
        testId="message-list"
      />
    );
  }

  const detailShown = selectedSeq !== null;
  return (
    <div className="messages" style={columnWidthStyle(columnWidths)}>
      <MessagesFilterBar matched={matched} search={search} />
      <SplitGroup
        key={placement}
        id={`messages-${placement}`}
        orientation={placement === 'below' ? 'vertical' : 'horizontal'}
        panes={detailShown ? ['list', 'detail'] : ['list']}
        className={`messages-split detail-${placement}`}
      >
        <SplitPane id="list" className="split-pane" minSize="120px">
          {body}
        </SplitPane>
        {detailShown && <SplitHandle id="detail" label={t('resizeDetail')} />}
        {detailShown && (
          <SplitPane id="detail" className="split-pane" defaultSize="42%" minSize="180px">
            <MessageDetail />
          </SplitPane>
        )}
      </SplitGroup>
    </div>
  );
}
