import { useTimeFormat } from '../../stores/ui-store';
import { useDeferredValue, useState } from 'react';
import { formatMoment } from '../../ui/clock';
import { type PublishedEntry, searchPublished, usePublishHistory } from './publish-history';

/** Payload previews stay one short line; the full text comes back when the entry is used. */
const PREVIEW_CHARS = 120;

/** The published-messages history: search it, and put an entry back into the publish panel. */
export function PublishHistoryList({ onUse, onSave }: { onUse(entry: PublishedEntry): void; onSave(entry: PublishedEntry): void }) {
  useTimeFormat();
  const entries = usePublishHistory((s) => s.entries);
  const remove = usePublishHistory((s) => s.remove);
  const clear = usePublishHistory((s) => s.clear);
  const [query, setQuery] = useState('');
  // Filtering 200 entries is cheap, but typing must stay instant while the list re-renders.
  const shown = searchPublished(entries, useDeferredValue(query));
  return (
    <div className="publish-history" data-testid="publish-history">
      <div className="publish-history-bar">
        <input type="search" placeholder="Search topic or payload" aria-label="Search published messages" data-testid="publish-history-search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="small" disabled={entries.length === 0} onClick={clear} title="Forget every published message">
          Clear
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="hint">{entries.length === 0 ? 'Messages you publish appear here, to send again.' : 'No published message matches.'}</p>
      ) : (
        <ul className="publish-history-list">
          {shown.map((entry) => (
            <li key={entry.id} data-testid="publish-history-entry">
              <button type="button" className="publish-history-use" title="Put this message back in the editor" onClick={() => onUse(entry)}>
                <span className="publish-history-topic">{entry.topic || '(topic alias)'}</span>
                <span className="muted">
                  {entry.mode} · QoS {entry.qos}
                  {entry.retain ? ' · retained' : ''}
                  {entry.count > 1 ? ` · ×${entry.count}` : ''} · <span data-testid="publish-history-time">{formatMoment(entry.at)}</span>
                </span>
                <code className="publish-history-payload">{entry.payload.length > PREVIEW_CHARS ? `${entry.payload.slice(0, PREVIEW_CHARS)}…` : entry.payload || '(empty)'}</code>
              </button>
              <button type="button" className="small" data-testid="publish-history-save" title="Save this message in a collection" onClick={() => onSave(entry)}>
                Save…
              </button>
              <button type="button" className="icon-button" title="Forget this message" aria-label="Forget this message" onClick={() => remove(entry.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
