import { formatCount } from '../../ui/numbers';
import { useState } from 'react';
import { startRepeat, stopRepeat } from '../../stores/publish-actions';
import { useRepeatStore } from '../../stores/repeat-store';
import { Field } from '../../ui/field';
import type { PreparedMessage } from './prepared-message';

/** Publishes the same message every N ms, `count` times or until stopped; progress from repeatStatus events. */
export function RepeatControls({ prepare, connected, variablesOn }: { prepare(): PreparedMessage; connected: boolean; variablesOn: boolean }) {
  const [interval, setIntervalText] = useState('1000');
  const [count, setCount] = useState('10');
  const [repeatId, setRepeatId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const status = useRepeatStore((s) => (repeatId ? s.repeats[repeatId] : undefined));
  const running = repeatId !== null && !status?.done;

  const start = async () => {
    setError(null);
    const prepared = prepare();
    if (!prepared.ok) return setError(prepared.error);
    const intervalMs = Number(interval);
    const times = count.trim() === '' ? 0 : Number(count);
    if (!Number.isInteger(intervalMs) || intervalMs < 1) return setError('Interval: a whole number of milliseconds, at least 1');
    if (!Number.isInteger(times) || times < 0) return setError('Count: a whole number (0 = until stopped)');
    const result = await startRepeat({ message: prepared.message, intervalMs, count: times });
    if (result.ok) setRepeatId(result.value.repeatId);
    else setError(`${result.error.code}: ${result.error.message}`);
  };

  const stop = async () => {
    if (!repeatId) return;
    const result = await stopRepeat(repeatId);
    if (result.ok) useRepeatStore.getState().apply(result.value);
    else setError(`${result.error.code}: ${result.error.message}`);
  };

  return (
    <div className="repeat-controls form-grid">
      <Field label="Every (ms)" className="span-2">
        <input data-testid="repeat-interval" value={interval} inputMode="numeric" disabled={running} onChange={(e) => setIntervalText(e.target.value)} />
      </Field>
      <Field label="Times (0 = until stopped)" className="span-2">
        <input data-testid="repeat-count" value={count} inputMode="numeric" disabled={running} onChange={(e) => setCount(e.target.value)} />
      </Field>
      <div className="span-4 row-actions">
        {running ? (
          <button type="button" className="danger" data-testid="repeat-stop" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="button" className="primary" data-testid="repeat-start" disabled={!connected} onClick={() => void start()}>
            Start repeating
          </button>
        )}
        {status && (
          <span className="muted" data-testid="repeat-status" data-sent={status.sent} data-done={status.done}>
            {status.done ? 'done' : 'running'}: {formatCount(status.sent)} sent
            {status.failed ? `, ${formatCount(status.failed)} failed` : ''}
            {status.lastError ? ` (${status.lastError})` : ''}
          </span>
        )}
      </div>
      {variablesOn && (
        <p className="span-4 hint" data-testid="repeat-variables-hint">
          Variables are expanded once, when you press Start: the host repeats that one message, so {'{{seq}}'}, {'{{uuid}}'} and the random values stay the same in every repeat.
        </p>
      )}
      {error && (
        <p className="span-4 field-problem" data-testid="repeat-error">
          {error}
        </p>
      )}
    </div>
  );
}
