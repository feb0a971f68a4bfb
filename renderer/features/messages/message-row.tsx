import type { CSSProperties, ReactNode } from 'react';
import type { RingMessage } from '../../model/message-ring';
import { type ColumnWidths, MESSAGE_COLUMNS, type MessageColumn, useTimeFormat, useUiStore } from '../../stores/ui-store';
import { ColumnResizer } from '../../ui/column-resizer';
import { formatTime } from '../../payload/format';
import { MessageCells } from './message-cells';
import { useTranslation } from '../../ui/i18n';

const LIVE_TEST_IDS = { time: 'message-time', topic: 'message-topic', payload: 'message-payload' };

export function MessageRow({ message, selected, onSelect }: { message: RingMessage; selected: boolean; onSelect(seq: number): void }) {
  useTimeFormat();
  return (
    <div
      className={`data-row data-grid message-grid dir-${message.direction}${selected ? ' selected' : ''}`}
      data-testid="message-row"
      data-direction={message.direction}
      onClick={() => onSelect(message.seq)}
    >
      <MessageCells
        direction={message.direction}
        time={formatTime(message.timestamp)}
        topic={message.topic}
        qos={message.qos}
        retain={message.retain}
        size={message.payloadSize ?? message.payload.byteLength}
        payload={message.payload}
        decoded={message.decoded}
        testIds={LIVE_TEST_IDS}
      />
    </div>
  );
}

/** A header cell with a handle on its right edge that sets the column's width (remembered). */
function ResizableHeader({ column, name, className, title, children }: { column: MessageColumn; name: string; className?: string; title?: string; children: ReactNode }) {
  const { t } = useTranslation('messages');
  const setColumnWidth = useUiStore((s) => s.setColumnWidth);
  return (
    <span className={`message-resizable${className ? ` ${className}` : ''}`} title={title}>
      {children}
      <ColumnResizer label={t('header.resize', { name })} testId={`message-${column}-resize`} onResize={(width) => setColumnWidth(column, width)} />
    </span>
  );
}

export function MessageHeader() {
  const { t } = useTranslation('messages');
  return (
    <div className="data-grid message-grid message-header" role="row">
      <span />
      <ResizableHeader column="time" name={t('header.timeName')}>
        {t('header.time')}
      </ResizableHeader>
      <ResizableHeader column="topic" name={t('header.topicName')} className="message-topic-header">
        {t('header.topic')}
      </ResizableHeader>
      <ResizableHeader column="qos" name="QoS" className="message-qos" title="QoS">
        {t('header.qos')}
      </ResizableHeader>
      <ResizableHeader column="retain" name={t('header.retainName')} title={t('header.retainTitle')}>
        {t('header.retain')}
      </ResizableHeader>
      <ResizableHeader column="size" name={t('header.sizeName')} className="message-size">
        {t('header.size')}
      </ResizableHeader>
      <span>{t('header.payload')}</span>
    </div>
  );
}

/** The CSS variables messages.css sizes the live list's columns by, for the widths the user set. */
export function columnWidthStyle(widths: ColumnWidths): CSSProperties | undefined {
  const style: Record<string, string> = {};
  for (const column of MESSAGE_COLUMNS) {
    const width = widths[column];
    if (width !== undefined) style[`--${column}-column`] = `${width}px`;
  }
  return Object.keys(style).length === 0 ? undefined : (style as CSSProperties);
}
