import { useState } from 'react';
import { SEQUENCE_MAX_DELAY_MS, type SavedMessage } from '../../../shared/contract';
import { useCollectionsStore } from '../../stores/collections-store';
import { formatNumber, useTranslation } from '../../ui/i18n';

/**
 * What to do with the selected messages: send them all now, delete them, or send them as a
 * sequence, each after its own delay (the core paces it; Stop ends it between steps).
 */
export function SequenceControls({
  collectionId,
  messages,
  connectionId,
  variables,
  onSendAll,
  onDeleteAll,
  onClear,
}: {
  collectionId: string;
  messages: SavedMessage[];
  connectionId: string | undefined;
  /** The publish panel's own variables for this connection (they win over the environment). */
  variables: Record<string, string>;
  onSendAll(): void;
  onDeleteAll(): void;
  onClear(): void;
}) {
  const { t } = useTranslation('collections');
  const run = useCollectionsStore((s) => s.run);
  const [delays, setDelays] = useState<Record<string, string>>({});
  const [sequenceId, setSequenceId] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const status = useCollectionsStore((s) => (sequenceId ? s.sequences[sequenceId] : undefined));
  const running = sequenceId !== null && !status?.done;
  const delayOf = (id: string, index: number) => delays[id] ?? (index === 0 ? '0' : '1000');
  const problems = messages.map((m, i) => {
    const text = delayOf(m.id, i).trim();
    const ms = Number(text);
    return text === '' || !Number.isInteger(ms) || ms < 0 || ms > SEQUENCE_MAX_DELAY_MS ? t('sequence.stepProblem', { step: String(i + 1), max: formatNumber(SEQUENCE_MAX_DELAY_MS) }) : null;
  });
  const problem = problems.find(Boolean);

  const start = async () => {
    if (!connectionId || problem) return;
    const result = await run('collections.startSequence', { connectionId, collectionId, steps: messages.map((m, i) => ({ messageId: m.id, delayMs: Number(delayOf(m.id, i)) })), ...(Object.keys(variables).length > 0 ? { variables } : {}) });
    if (result.ok) setSequenceId((result.value as { sequenceId: string }).sequenceId);
  };

  return (
    <div className="collections-selection" data-testid="collections-selection">
      <div className="collections-selection-bar">
        <span className="muted">{t('sequence.selected', { n: formatNumber(messages.length) })}</span>
        <button type="button" className="small primary" data-testid="collections-send-selected" disabled={!connectionId} title={connectionId ? t('sequence.sendAllTitle') : t('sequence.connectToSend')} onClick={onSendAll}>
          {t('sequence.sendAll')}
        </button>
        <button type="button" className="small" data-testid="collections-sequence-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t('sequence.sequence')}
        </button>
        <button type="button" className="small" data-testid="collections-delete-selected" onClick={onDeleteAll}>
          {t('sequence.delete')}
        </button>
        <button type="button" className="small" onClick={onClear}>
          {t('sequence.clear')}
        </button>
      </div>
      {open && (
        <div className="collections-sequence" data-testid="collections-sequence">
          <ol>
            {messages.map((m, i) => (
              <li key={m.id}>
                <span className="collections-sequence-name">{m.name}</span>
                <label>
                  {t('sequence.after')}
                  <input
                    data-testid="collections-sequence-delay"
                    inputMode="numeric"
                    value={delayOf(m.id, i)}
                    aria-invalid={problems[i] !== null}
                    aria-label={t('sequence.delayLabel', { name: m.name })}
                    onChange={(e) => setDelays((d) => ({ ...d, [m.id]: e.target.value }))}
                  />
                  ms
                </label>
              </li>
            ))}
          </ol>
          {problem && <p className="field-problem">{problem}</p>}
          <div className="collections-selection-bar">
            <button type="button" className="small primary" data-testid="collections-sequence-start" disabled={!connectionId || running || problem !== undefined} onClick={() => void start()}>
              {t('sequence.start')}
            </button>
            <button type="button" className="small" data-testid="collections-sequence-stop" disabled={!running} onClick={() => sequenceId && void run('collections.stopSequence', { sequenceId })}>
              {t('sequence.stop')}
            </button>
            {status && (
              <span className="muted" data-testid="collections-sequence-status">
                {t('sequence.status', { sent: formatNumber(status.sent), total: formatNumber(status.total) })}
                {status.done ? (status.error ? ` · ${status.error}` : status.stopped ? t('sequence.stopped') : t('sequence.done')) : ''}
              </span>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
