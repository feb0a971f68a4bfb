import { useState } from 'react';
import { SEQUENCE_MAX_DELAY_MS, type SavedMessage } from '../../../shared/contract';
import { useCollectionsStore } from '../../stores/collections-store';

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
    return text === '' || !Number.isInteger(ms) || ms < 0 || ms > SEQUENCE_MAX_DELAY_MS ? `Step ${i + 1}: a delay is whole milliseconds, 0 to ${SEQUENCE_MAX_DELAY_MS}` : null;
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
        <span className="muted">{messages.length} selected</span>
        <button type="button" className="small primary" data-testid="collections-send-selected" disabled={!connectionId} title={connectionId ? 'Send them now, in the collection order' : 'Connect to send'} onClick={onSendAll}>
          Send all
        </button>
        <button type="button" className="small" data-testid="collections-sequence-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          Sequence…
        </button>
        <button type="button" className="small" data-testid="collections-delete-selected" onClick={onDeleteAll}>
          Delete
        </button>
        <button type="button" className="small" onClick={onClear}>
          Clear
        </button>
      </div>
      {open && (
        <div className="collections-sequence" data-testid="collections-sequence">
          <ol>
            {messages.map((m, i) => (
              <li key={m.id}>
                <span className="collections-sequence-name">{m.name}</span>
                <label>
                  after
                  <input
                    data-testid="collections-sequence-delay"
                    inputMode="numeric"
                    value={delayOf(m.id, i)}
                    aria-invalid={problems[i] !== null}
                    aria-label={`Delay before ${m.name} (ms)`}
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
              Start
            </button>
            <button type="button" className="small" data-testid="collections-sequence-stop" disabled={!running} onClick={() => sequenceId && void run('collections.stopSequence', { sequenceId })}>
              Stop
            </button>
            {status && (
              <span className="muted" data-testid="collections-sequence-status">
                {status.sent}/{status.total} sent{status.done ? (status.error ? ` · ${status.error}` : status.stopped ? ' · stopped' : ' · done') : ''}
              </span>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
