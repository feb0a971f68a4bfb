import { useState } from 'react';
import type { RequestOutput } from '../../../shared/contract';
import { decodeHex } from '../../../shared/codecs/hex';
import { topicNameProblem } from '../../../shared/mqtt/topic';
import { requestReply } from '../../stores/publish-actions';
import { Field } from '../../ui/field';
import { useTranslation } from '../../ui/i18n';
import { payloadPreview } from '../../payload/format';
import type { PreparedMessage } from './prepared-message';
import { describeError } from '../../ui/errors';

type Outcome = RequestOutput<'messages.request'>;

/** Request/response (MQTT 5, 4.10): publish with a response topic and correlation data, wait for the answer. */
export function RequestControls({ prepare, connected, topicReady }: { prepare(): PreparedMessage; connected: boolean; topicReady: boolean }) {
  const { t } = useTranslation('publish');
  const [responseTopic, setResponseTopic] = useState('');
  const [correlation, setCorrelation] = useState('');
  const [timeout, setTimeoutText] = useState('5000');
  const [waiting, setWaiting] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const responseProblem = responseTopic === '' ? null : topicNameProblem(responseTopic);

  const send = async () => {
    setError(null);
    setOutcome(null);
    const prepared = prepare();
    if (!prepared.ok) return setError(prepared.error);
    const topicProblem = topicNameProblem(responseTopic);
    if (topicProblem) return setError(t('request.responseTopicProblem', { problem: topicProblem }));
    let correlationData: Uint8Array | undefined;
    try {
      correlationData = correlation.trim() ? decodeHex(correlation) : undefined;
    } catch (e) {
      return setError(t('request.correlationProblem', { problem: (e as Error).message }));
    }
    const timeoutMs = Number(timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return setError(t('request.timeoutProblem'));
    const { connectionId, topic, payload, qos, properties } = prepared.message;
    const rest = { ...properties };
    delete rest.responseTopic;
    delete rest.correlationData;
    setWaiting(true);
    const result = await requestReply({
      connectionId,
      topic,
      payload,
      ...(qos !== undefined ? { qos } : {}),
      responseTopic,
      ...(correlationData ? { correlationData } : {}),
      timeoutMs,
      ...(Object.keys(rest).length ? { properties: rest } : {}),
    });
    setWaiting(false);
    if (result.ok) setOutcome(result.value);
    else setError(`${result.error.code}: ${describeError(result.error)}`);
  };

  return (
    <div className="request-controls form-grid">
      <Field label={t('request.responseTopic')} className="span-4">
        <input data-testid="request-response-topic" value={responseTopic} placeholder={t('request.responseTopicPlaceholder')} spellCheck={false} aria-invalid={responseProblem !== null} onChange={(e) => setResponseTopic(e.target.value)} />
      </Field>
      <Field label={t('request.correlation')} className="span-3">
        <input data-testid="request-correlation" value={correlation} spellCheck={false} onChange={(e) => setCorrelation(e.target.value)} />
      </Field>
      <Field label={t('request.timeout')} className="span-1">
        <input data-testid="request-timeout" value={timeout} inputMode="numeric" onChange={(e) => setTimeoutText(e.target.value)} />
      </Field>
      <div className="span-4 row-actions">
        <button
          type="button"
          className="primary"
          data-testid="request-send"
          disabled={!connected || waiting || !topicReady || responseTopic === '' || responseProblem !== null}
          title={!topicReady ? t('request.needTopic') : responseProblem ? t('request.responseTopicProblem', { problem: responseProblem }) : t('request.sendTitle')}
          onClick={() => void send()}
        >
          {waiting ? t('request.waiting') : t('request.send')}
        </button>
        {outcome?.status === 'response' && (
          <span className="request-result ok" data-testid="request-result" data-status="response">
            {/* Latency as a plain count of milliseconds, as the tools and the tests read it. */}
            {t('request.response', { ms: String(Math.round(outcome.latencyMs)) })} <code>{payloadPreview(outcome.response.payload).text}</code>
          </span>
        )}
        {outcome?.status === 'timeout' && (
          <span className="request-result timeout" data-testid="request-result" data-status="timeout">
            {t('request.timedOut', { ms: String(Math.round(outcome.latencyMs)) })}
          </span>
        )}
      </div>
      {error && (
        <p className="span-4 field-problem" data-testid="request-error">
          {error}
        </p>
      )}
    </div>
  );
}
