import { useTimeFormat } from '../../stores/ui-store';
import { type ReactNode, useEffect, useLayoutEffect } from 'react';
import type { StoredMessage } from '../../../shared/contract';
import { useHistoryStore } from '../../stores/history-store';
import { useScrollWindow } from '../../ui/use-scroll-window';
import { formatDateTime } from '../../ui/clock';
import { MessageCells } from '../messages';
import { useTranslation } from '../../ui/i18n';

/** Matches --row-height in app.css. */
const ROW_HEIGHT = 22;
const OVERSCAN = 10;
/** Ask for the next page when the view comes within this many rows of the last loaded one. */
const PREFETCH_ROWS = 100;

/** Stored messages span days: the date, then the time to the millisecond. */
export function formatStoredTime(timestamp: number): string {
  return formatDateTime(timestamp, 3);
}

const HISTORY_TEST_IDS = { topic: 'history-row-topic', payload: 'history-row-payload' };

function HistoryRow({ message, selected, onSelect }: { message: StoredMessage; selected: boolean; onSelect(id: number): void }) {
  useTimeFormat();
  return (
    <div
      className={`data-row data-grid history-grid dir-${message.direction}${selected ? ' selected' : ''}`}
      data-testid="history-row"
      data-id={message.id}
      data-direction={message.direction}
      data-topic={message.topic}
      aria-selected={selected}
      onClick={() => onSelect(message.id)}
    >
      <MessageCells
        direction={message.direction}
        time={formatStoredTime(message.timestamp)}
        topic={message.topic}
        qos={message.qos}
        retain={message.retain}
        size={message.payloadSize}
        payload={message.payload}
        {...(message.decoded ? { decoded: message.decoded } : {})}
        testIds={HISTORY_TEST_IDS}
        afterTime={
          <span className="history-connection" data-testid="history-row-connection" title={message.connectionLabel}>
            {message.connectionLabel}
          </span>
        }
      />
    </div>
  );
}

function HistoryHeader() {
  const { t } = useTranslation('history');
  return (
    <div className="data-grid history-grid message-header" role="row">
      <span />
      <span>{t('header.time')}</span>
      <span>{t('header.connection')}</span>
      <span>{t('header.topic')}</span>
      <span title="QoS">{t('header.qos')}</span>
      <span title={t('header.retained')}>{t('header.retainedMark')}</span>
      <span className="message-size">{t('header.size')}</span>
      <span>{t('header.payload')}</span>
    </div>
  );
}

/**
 * The results, newest first, windowed: only the rows in view are in the DOM. Scrolling near the
 * end of what is loaded asks for the next keyset page, so a million stored rows scroll like a page.
 */
export function HistoryList() {
  const { t } = useTranslation('history');
  const rows = useHistoryStore((s) => s.rows);
  const nextCursor = useHistoryStore((s) => s.nextCursor);
  const loading = useHistoryStore((s) => s.loading);
  const selectedId = useHistoryStore((s) => s.selectedId);
  const select = useHistoryStore((s) => s.select);
  const loadMore = useHistoryStore((s) => s.loadMore);
  const applied = useHistoryStore((s) => s.applied);
  // After a failed page, wait for the user (a new search) instead of retrying in a loop.
  const failed = useHistoryStore((s) => s.error !== null);
  const { scroller, setScrollTop, first, last } = useScrollWindow(rows.length, ROW_HEIGHT, OVERSCAN);

  // A new search starts at the top.
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [applied, scroller, setScrollTop]);


  useEffect(() => {
    if (nextCursor && !loading && !failed && last >= rows.length - PREFETCH_ROWS) void loadMore();
  }, [last, rows.length, nextCursor, loading, failed, loadMore]);

  const rendered: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const message = rows[index]!;
    rendered.push(
      <div key={message.id} className={index % 2 ? 'virtual-row odd' : 'virtual-row'} style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}>
        <HistoryRow message={message} selected={message.id === selectedId} onSelect={select} />
      </div>,
    );
  }

  return (
    <div className="virtual-list history-list">
      <div className="virtual-scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="history-list" data-rows={rows.length}>
        <div className="virtual-header" style={{ height: ROW_HEIGHT }}>
          <HistoryHeader />
        </div>
        <div className="virtual-body" style={{ height: rows.length * ROW_HEIGHT }}>
          {rendered}
        </div>
        {(loading || nextCursor) && rows.length > 0 && (
          <p className="muted history-more" data-testid="history-loading-more">
            {loading ? t('loadingMore') : t('scrollForMore')}
          </p>
        )}
      </div>
    </div>
  );
}
