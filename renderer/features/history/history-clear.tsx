import { useState } from 'react';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import { useHistoryStore } from '../../stores/history-store';
import { useHistorySourceStore, useReadOnlySource } from '../../stores/history-source-store';
import { translate, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** Deletes a connection's stored messages (or its topics under a filter); a read-only team role is told it cannot. */
export function HistoryClearPanel() {
  const { t } = useTranslation('history');
  const connections = useHistoryStore((s) => s.connections);
  const enabled = useHistoryStore((s) => s.status?.enabled ?? false);
  const readOnly = useReadOnlySource();
  const [key, setKey] = useState('');
  const [filter, setFilter] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (connections.length === 0) return null;
  const chosen = connections.find((c) => c.key === key) ?? connections[0]!;
  const problem = filter.trim() ? topicFilterProblem(filter.trim()) : undefined;

  const run = async () => {
    setConfirming(false);
    setBusy(true);
    const result = await useHistorySourceStore.getState().clearStored(chosen.key, filter.trim() || undefined);
    setBusy(false);
    if ('code' in result) return setNote({ ok: false, text: describeError(result) });
    setNote({ ok: true, text: translate('history:clear.deleted', { count: result.deleted }) });
  };

  return (
    <section className="history-export" data-testid="history-clear">
      <h3>{t('clear.title')}</h3>
      {readOnly && (
        <p className="muted" data-testid="history-clear-read-only">
          {t('clear.readOnly')}
        </p>
      )}
      <select data-testid="history-clear-connection" value={chosen.key} disabled={readOnly || busy} onChange={(e) => setKey(e.target.value)}>
        {connections.map((c) => (
          <option key={c.key} value={c.key}>
            {c.label}
          </option>
        ))}
      </select>
      <input data-testid="history-clear-filter" placeholder={t('clear.filter')} value={filter} disabled={readOnly || busy} onChange={(e) => setFilter(e.target.value)} />
      {problem && <span className="field-problem">{problem}</span>}
      {confirming ? (
        <p className="history-warn" data-testid="history-clear-confirm">
          {filter.trim() ? t('clear.confirmUnder', { connection: chosen.label, filter: filter.trim() }) : t('clear.confirm', { connection: chosen.label })}{' '}
          <button type="button" className="danger" data-testid="history-clear-confirm-button" onClick={() => void run()}>
            {t('clear.delete')}
          </button>{' '}
          <button type="button" className="link-button" onClick={() => setConfirming(false)}>
            {t('cancel')}
          </button>
        </p>
      ) : (
        <button type="button" data-testid="history-clear-button" disabled={!enabled || readOnly || busy || !!problem} onClick={() => setConfirming(true)}>
          {t('clear.start')}
        </button>
      )}
      {note && (
        <p className={note.ok ? 'muted' : 'field-problem'} data-testid="history-clear-note">
          {note.text}
        </p>
      )}
    </section>
  );
}
