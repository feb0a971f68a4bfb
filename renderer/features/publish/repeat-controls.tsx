import { useState } from 'react';
import { startRepeat, stopRepeat } from '../../stores/publish-actions';
import { useRepeatStore } from '../../stores/repeat-store';
import { Field } from '../../ui/field';
import { formatNumber, useTranslation } from '../../ui/i18n';
import type { PreparedMessage } from './prepared-message';
import { describeError } from '../../ui/errors';

/** The variables the hint names, written the same in every language. */
const REPEATED_VARIABLES = { seq: '{{seq}}', uuid: '{{uuid}}' };

/** Publishes the same message every N ms, `count` times or until stopped; progress from repeatStatus events. */
export function RepeatControls({ prepare, connected, variablesOn }: { prepare(): PreparedMessage; connected: boolean; variablesOn: boolean }) {
  const { t } = useTranslation('publish');
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
    if (!Number.isInteger(intervalMs) || intervalMs < 1) return setError(t('repeat.intervalProblem'));
    if (!Number.isInteger(times) || times < 0) return setError(t('repeat.countProblem'));
    const result = await startRepeat({ message: prepared.message, intervalMs, count: times });
    if (result.ok) setRepeatId(result.value.repeatId);
    else setError(`${result.error.code}: ${describeError(result.error)}`);
  };

  const stop = async () => {
    if (!repeatId) return;
    const result = await stopRepeat(repeatId);
    if (result.ok) useRepeatStore.getState().apply(result.value);
    else setError(`${result.error.code}: ${describeError(result.error)}`);
  };

  return (
    <div className="repeat-controls form-grid">
      <Field label={t('repeat.every')} className="span-2">
        <input data-testid="repeat-interval" value={interval} inputMode="numeric" disabled={running} onChange={(e) => setIntervalText(e.target.value)} />
      </Field>
      <Field label={t('repeat.times')} className="span-2">
        <input data-testid="repeat-count" value={count} inputMode="numeric" disabled={running} onChange={(e) => setCount(e.target.value)} />
      </Field>
      <div className="span-4 row-actions">
        {running ? (
          <button type="button" className="danger" data-testid="repeat-stop" onClick={() => void stop()}>
            {t('repeat.stop')}
          </button>
        ) : (
          <button type="button" className="primary" data-testid="repeat-start" disabled={!connected} onClick={() => void start()}>
            {t('repeat.start')}
          </button>
        )}
        {status && (
          <span className="muted" data-testid="repeat-status" data-sent={status.sent} data-done={status.done}>
            {t('repeat.status', { state: status.done ? t('repeat.done') : t('repeat.running'), sent: formatNumber(status.sent) })}
            {status.failed ? t('repeat.failed', { failed: formatNumber(status.failed) }) : ''}
            {status.lastError ? t('repeat.lastError', { error: status.lastFailure ? describeError(status.lastFailure) : status.lastError }) : ''}
          </span>
        )}
      </div>
      {variablesOn && (
        <p className="span-4 hint" data-testid="repeat-variables-hint">
          {t('repeat.variablesHint', REPEATED_VARIABLES)}
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
