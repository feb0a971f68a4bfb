import { useTimeFormat } from '../../stores/ui-store';
import { useDeferredValue, useState } from 'react';
import { formatMoment } from '../../ui/clock';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { type PublishedEntry, searchPublished, usePublishHistory } from './publish-history';

/** Payload previews stay one short line; the full text comes back when the entry is used. */
const PREVIEW_CHARS = 120;

/** The published-messages history: search it, and put an entry back into the publish panel. */
export function PublishHistoryList({ onUse, onSave }: { onUse(entry: PublishedEntry): void; onSave(entry: PublishedEntry): void }) {
  useTimeFormat();
  const { t } = useTranslation('publish');
  const entries = usePublishHistory((s) => s.entries);
  const remove = usePublishHistory((s) => s.remove);
  const clear = usePublishHistory((s) => s.clear);
  const [query, setQuery] = useState('');
  // Filtering 200 entries is cheap, but typing must stay instant while the list re-renders.
  const shown = searchPublished(entries, useDeferredValue(query));
  return (
    <div className="publish-history" data-testid="publish-history">
      <div className="publish-history-bar">
        <input type="search" placeholder={t('history.searchPlaceholder')} aria-label={t('history.searchLabel')} data-testid="publish-history-search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="button" className="small" disabled={entries.length === 0} onClick={clear} title={t('history.clearTitle')}>
          {t('history.clear')}
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="hint">{entries.length === 0 ? t('history.emptyList') : t('history.noMatch')}</p>
      ) : (
        <ul className="publish-history-list">
          {shown.map((entry) => (
            <li key={entry.id} data-testid="publish-history-entry">
              <button type="button" className="publish-history-use" title={t('history.useTitle')} onClick={() => onUse(entry)}>
                <span className="publish-history-topic">{entry.topic || t('history.topicAlias')}</span>
                <span className="muted">
                  {t('history.meta', { mode: entry.mode, qos: String(entry.qos) })}
                  {entry.retain ? t('history.retained') : ''}
                  {entry.count > 1 ? t('history.count', { times: formatNumber(entry.count) }) : ''}
                  {t('history.dot')}
                  <span data-testid="publish-history-time">{formatMoment(entry.at)}</span>
                </span>
                <code className="publish-history-payload">{entry.payload.length > PREVIEW_CHARS ? `${entry.payload.slice(0, PREVIEW_CHARS)}…` : entry.payload || t('history.emptyPayload')}</code>
              </button>
              <button type="button" className="small" data-testid="publish-history-save" title={t('history.saveTitle')} onClick={() => onSave(entry)}>
                {t('history.save')}
              </button>
              <button type="button" className="icon-button" title={t('history.forget')} aria-label={t('history.forget')} onClick={() => remove(entry.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
