import { type KeyboardEvent, Suspense, lazy, useCallback, useRef, useState } from 'react';
import { PAYLOAD_FORMATS, type PayloadFormat, encodePayload } from '../../../shared/codecs/payload-format';
import { topicNameProblem } from '../../../shared/mqtt/topic';
import { getApi } from '../../stores/api';
import { useActiveConnection } from '../../stores/connections-store';
import { QOS_LEVELS, type Qos } from '../../stores/qos';
import { useDarkMode } from './use-dark-mode';

const PayloadEditor = lazy(() => import('./payload-editor'));

const MODE_LABELS: Record<PayloadFormat, string> = { text: 'Text', json: 'JSON', hex: 'Hex', base64: 'Base64' };
type Outcome = { kind: 'error'; message: string } | { kind: 'sent'; message: string } | null;

export function PublishPanel() {
  const [topic, setTopic] = useState('');
  const [qos, setQos] = useState<Qos>(0);
  const [retain, setRetain] = useState(false);
  // The mode says how to read the editor's text; switching keeps the text as typed.
  const [mode, setMode] = useState<PayloadFormat>('text');
  const [payload, setPayload] = useState('');
  // Ctrl/Cmd+Enter can follow an edit before React re-renders: publish what the editor holds now.
  const latestPayload = useRef('');
  const onPayloadChange = useCallback((text: string) => {
    latestPayload.current = text;
    setPayload(text);
  }, []);
  const [sending, setSending] = useState(false);
  // State updates land after the render; the ref stops a double Ctrl+Enter sending twice.
  const inFlight = useRef(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const dark = useDarkMode();
  const active = useActiveConnection();
  const isConnected = active?.status === 'connected';
  const topicProblem = topic === '' ? null : topicNameProblem(topic);

  const publish = useCallback(async () => {
    if (!active || !isConnected || inFlight.current) return;
    const payload = latestPayload.current;
    const problem = topicNameProblem(topic);
    if (problem) return setOutcome({ kind: 'error', message: `Topic: ${problem}` });
    const encoded = encodePayload(payload, mode);
    if (!encoded.ok) {
      const { line, column, message } = encoded.problem;
      const where = line !== undefined ? ` at line ${line}, column ${column}` : '';
      return setOutcome({ kind: 'error', message: `Invalid ${MODE_LABELS[mode]}${where}: ${message}` });
    }
    const bytes = encoded.bytes;
    inFlight.current = true;
    setSending(true);
    const result = await getApi().messages.publish({ connectionId: active.connectionId, topic, payload: bytes, qos, retain });
    inFlight.current = false;
    setSending(false);
    setOutcome(
      result.ok
        ? { kind: 'sent', message: `Published ${bytes.byteLength} B to ${topic}` }
        : { kind: 'error', message: `${result.error.code}: ${result.error.message}` },
    );
  }, [active, isConnected, topic, mode, qos, retain]);

  const onKeyDown = (event: KeyboardEvent) => {
    // Monaco handles its own Ctrl/Cmd+Enter (and marks the event handled); this covers the inputs.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      void publish();
    }
  };

  return (
    <div className="publish" onKeyDown={onKeyDown}>
      <div className="publish-bar">
        <input
          className="publish-topic"
          data-testid="publish-topic"
          value={topic}
          placeholder="topic/name"
          spellCheck={false}
          aria-invalid={topicProblem !== null}
          onChange={(e) => setTopic(e.target.value)}
        />
        <select data-testid="publish-qos" value={qos} title="QoS" onChange={(e) => setQos(Number(e.target.value) as Qos)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <label className="checkbox">
          <input data-testid="publish-retain" type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} />
          Retain
        </label>
        <div className="segmented" role="group" aria-label="Payload mode">
          {PAYLOAD_FORMATS.map((format) => (
            <button key={format} type="button" data-testid={`publish-mode-${format}`} aria-pressed={mode === format} onClick={() => setMode(format)}>
              {MODE_LABELS[format]}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="primary"
          data-testid="publish-button"
          title="Publish (Ctrl/Cmd+Enter)"
          disabled={!isConnected || sending || topic === '' || topicProblem !== null}
          onClick={() => void publish()}
        >
          Publish
        </button>
      </div>
      {topicProblem && (
        <p className="field-problem" data-testid="publish-topic-error">
          {topicProblem}
        </p>
      )}
      <Suspense fallback={<div className="payload-editor loading">Loading editor…</div>}>
        <PayloadEditor value={payload} language={mode === 'json' ? 'json' : 'plaintext'} dark={dark} onChange={onPayloadChange} onSubmit={() => void publish()} />
      </Suspense>
      <div className="publish-status">
        {outcome?.kind === 'error' && (
          <p className="error-box" role="alert" data-testid="publish-error">
            {outcome.message}
          </p>
        )}
        {outcome?.kind === 'sent' && (
          <p className="muted" data-testid="publish-result">
            {outcome.message}
          </p>
        )}
        {!isConnected && <p className="hint">Connect to a broker to publish. Ctrl/Cmd+Enter publishes.</p>}
      </div>
    </div>
  );
}
