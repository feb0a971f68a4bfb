import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';
import { formatNumber, useTranslation } from './i18n';
import { useScrollWindow } from './use-scroll-window';
import './virtual-list.css';

export interface VirtualListProps {
  count: number;
  /** Every row has this height in pixels; that is what makes the windowing exact and cheap. */
  rowHeight: number;
  /**
   * The absolute position of row 0 (e.g. how many rows dropped off the top of a ring). When it
   * grows while the user reads older rows, the view shifts so the same rows stay under their eyes.
   */
  offset: number;
  renderRow(index: number): ReactNode;
  /** Rendered above the rows, sticky (column headers). Must be `rowHeight` tall. */
  header?: ReactNode;
  overscan?: number;
  testId?: string;
  /** Test id of the "jump to newest" button. */
  jumpTestId?: string;
  /**
   * When this changes to a value other than null (a row was selected), the list stops following
   * the newest row: the selected row stays where it is while more arrive, until "jump to newest".
   */
  holdOn?: unknown;
}

/** Rows kept above the viewport while following the newest row (nothing is below it to overscan). */
const FOLLOW_OVERSCAN = 2;

/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in the DOM, so 20,000
 * rows cost the same as 30. It follows the newest row until the user scrolls up, and offers a
 * button to jump back.
 *
 * Under a firehose every row in view changes on each update, so row elements are reused by their
 * position in the window (key = index - first) inside one wrapper moved by a transform: an update
 * changes text in place instead of removing and creating every row (style and layout of new
 * elements was most of a busy frame), and the DOM keeps the rows in visual order. A user reading
 * older rows sees the same rows stay put, so there each element keeps its row (key = absolute
 * position): an element found and then scrolled to still shows the row it was found for.
 */
export function VirtualList({ count, rowHeight, offset, renderRow, header, overscan = 8, testId, jumpTestId = 'messages-jump-newest', holdOn = null }: VirtualListProps) {
  const { t } = useTranslation('common');
  const [follow, setFollow] = useState(true);
  // Where the newest row was (absolute position) when following stopped: what arrived since is "new".
  const [heldAt, setHeldAt] = useState(offset + count);
  const [lastHold, setLastHold] = useState(holdOn);
  // The scrolled content: the rows, plus the sticky header's row.
  const contentHeight = count * rowHeight + (header ? rowHeight : 0);
  // Following the newest row, the position is known by arithmetic: no layout is read for it.
  const pinToBottom = (viewport: number) => Math.max(0, contentHeight - viewport);
  const { scroller, setScrollTop, top: followTop, first, last } = useScrollWindow(count, rowHeight, follow ? Math.min(FOLLOW_OVERSCAN, overscan) : overscan, follow ? pinToBottom : undefined);
  const lastOffset = useRef(offset);
  if (holdOn !== lastHold) {
    // Adjusted during render (React's pattern for state derived from a prop change): stopping here,
    // with the position the list was pinned to, keeps the rows exactly where they are drawn.
    setLastHold(holdOn);
    if (holdOn !== null && follow) {
      setScrollTop(followTop);
      setFollow(false);
      setHeldAt(offset + count);
    }
  }
  // What this list last wrote while following: once a full ring stops growing, the bottom stays
  // put and writing it again would only force a synchronous layout in the middle of the commit.
  const written = useRef<number | null>(null);

  useLayoutEffect(() => {
    const element = scroller.current;
    const shifted = offset - lastOffset.current;
    lastOffset.current = offset;
    if (!element) return;
    if (follow) {
      if (written.current !== followTop) element.scrollTop = followTop;
      written.current = followTop;
      return;
    }
    written.current = null;
    if (shifted > 0) {
      element.scrollTop = Math.max(0, element.scrollTop - shifted * rowHeight);
      setScrollTop(element.scrollTop);
    }
  }, [count, offset, follow, followTop, rowHeight, scroller, setScrollTop]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const top = element.scrollTop;
    // The scroll this list made itself while following: nothing changed for the user.
    if (follow && Math.abs(top - followTop) < 1) return;
    setScrollTop(top);
    if (follow) setHeldAt(offset + count);
    // Within half a row of the bottom counts as "at the bottom": follow new rows again. The height
    // is read from the element, not from `viewport`: when the list grows (a panel beside it closes)
    // the browser clamps scrollTop and fires this before the ResizeObserver reports the new height,
    // and the old height would read "scrolled up" and stop following at the very bottom.
    setFollow(top + element.clientHeight >= contentHeight - rowHeight / 2);
  };

  const fresh = Math.max(0, offset + count - heldAt);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    rows.push(
      <div key={follow ? index - first : offset + index} className={index % 2 ? 'virtual-row odd' : 'virtual-row'} style={{ height: rowHeight }}>
        {renderRow(index)}
      </div>,
    );
  }

  return (
    <div className="virtual-list">
      <div className="virtual-scroller" ref={scroller} onScroll={onScroll} data-testid={testId}>
        {header && (
          <div className="virtual-header" style={{ height: rowHeight }}>
            {header}
          </div>
        )}
        <div className="virtual-body" style={{ height: count * rowHeight }}>
          <div className="virtual-window" style={{ transform: `translateY(${first * rowHeight}px)` }}>
            {rows}
          </div>
        </div>
      </div>
      {!follow && count > 0 && (
        <button type="button" className="jump-newest" data-testid={jumpTestId} data-new={fresh} title={t('virtualList.followTitle')} onClick={() => setFollow(true)}>
          {fresh > 0 ? t('virtualList.jumpNew', { count: fresh, n: formatNumber(fresh) }) : t('virtualList.newest')}
        </button>
      )}
    </div>
  );
}
