import type { ReactNode } from 'react';
import type { MqttMessage } from '../../../shared/contract';
import type { DecodedPayload } from '../../../shared/contract/codec-rules';
import { decodedPreview, describeViolations } from '../../payload/decoded';
import { MiddleCut } from '../../ui/middle-cut';
import { formatBytes, payloadPreview } from '../../payload/format';
import { useTranslation } from '../../ui/i18n';
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
  /** The payload as a codec rule decoded it (live messages whose topic has a rule). */
  decoded?: DecodedPayload;
  /** Cells between the time and the topic (History's connection). */
  afterTime?: ReactNode;
  testIds: { time?: string; topic: string; payload: string };
}

/**
 * The cells a message row shows, in the column order of `message-grid`/`history-grid`: the live
 * list and History render a message the same way and differ only in what wraps the cells.
 */
export function MessageCells({ direction, time, topic, qos, retain, size, payload, decoded, afterTime, testIds }: MessageCellsProps) {
  const { t } = useTranslation('messages');
  return (
    <>
      <span className="message-dir" title={direction === 'in' ? t('cells.received') : t('cells.published')}>
        {direction}
      </span>
      <span className="message-time" data-testid={testIds.time}>
        {time}
      </span>
      {afterTime}
      <MiddleCut className="message-topic" testId={testIds.topic} text={topic} />
      <span className="message-qos">{qos}</span>
      <span className="message-retain" title={retain ? t('cells.retainedTitle') : undefined}>
        {retain ? t('cells.retainedMark') : ''}
      </span>
      <span className="message-size">{formatBytes(size)}</span>
      <PayloadCell payload={payload} decoded={decoded} testId={testIds.payload} />
    </>
  );
}

/**
 * The preview: decoded by its rule when one matched, else the raw guess. The rule's format (and a
 * JSON Schema failure) is marked by CSS from data attributes, so the cell's text stays the payload.
 */
function PayloadCell({ payload, decoded, testId }: { payload: Uint8Array; decoded: DecodedPayload | undefined; testId: string }) {
  const { t } = useTranslation('messages');
  if (!decoded || decoded.problem) {
    const preview = payloadPreview(payload);
    return (
      <span
        className={`message-payload${preview.isBinary ? ' binary' : ''}${decoded ? ' decode-failed' : ''}`}
        data-testid={testId}
        title={decoded?.problem ? t('cells.decodeFailed', { rule: decoded.ruleName || decoded.ruleId, problem: decoded.problem.message }) : undefined}
      >
        {preview.text}
      </span>
    );
  }
  const invalid = decoded.invalid && decoded.invalid.length > 0 ? decoded.invalid : undefined;
  const rule = t('cells.decodedBy', { rule: decoded.ruleName || decoded.ruleId, format: decoded.format });
  return (
    <span
      className={`message-payload decoded${invalid ? ' invalid' : ''}`}
      data-testid={testId}
      data-decoded={decoded.format}
      data-mark={invalid ? `✗ ${invalid[0]!.path || '/'} ${invalid[0]!.keyword}` : decoded.format}
      data-invalid={invalid ? 'true' : undefined}
      title={invalid ? `${t('cells.failsSchema', { rule })}\n${describeViolations(invalid)}` : rule}
    >
      {decodedPreview(decoded)}
    </span>
  );
}
