import type { ReactNode } from 'react';
import type { MqttMessage } from '../../../shared/contract';
import { MiddleCut } from '../../ui/middle-cut';
import { formatBytes, payloadPreview } from '../../payload/format';
import './message-cells.css';

export interface MessageCellsProps {
  direction: MqttMessage['direction'];
  /** Already formatted: the live list shows the time of day, History the date too. */
  time: string;
  topic: string;
  qos: MqttMessage['qos'];
  retain: boolean;
  /** The whole payload's size (a live message may carry only a preview of it). */
  size: number;
  payload: Uint8Array;
  /** Cells between the time and the topic (History's connection). */
  afterTime?: ReactNode;
  testIds: { time?: string; topic: string; payload: string };
}

/**
 * The cells a message row shows, in the column order of `message-grid`/`history-grid`: the live
 * list and History render a message the same way and differ only in what wraps the cells.
 */
export function MessageCells({ direction, time, topic, qos, retain, size, payload, afterTime, testIds }: MessageCellsProps) {
  const preview = payloadPreview(payload);
  return (
    <>
      <span className="message-dir" title={direction === 'in' ? 'Received' : 'Published'}>
        {direction}
      </span>
      <span className="message-time" data-testid={testIds.time}>
        {time}
      </span>
      {afterTime}
      <MiddleCut className="message-topic" testId={testIds.topic} text={topic} />
      <span className="message-qos">{qos}</span>
      <span className="message-retain" title={retain ? "Retained: the broker's kept value of this topic" : undefined}>
        {retain ? 'R' : ''}
      </span>
      <span className="message-size">{formatBytes(size)}</span>
      <span className={`message-payload${preview.isBinary ? ' binary' : ''}`} data-testid={testIds.payload}>
        {preview.text}
      </span>
    </>
  );
}
