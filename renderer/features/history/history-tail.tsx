import { useHistorySourceStore } from '../../stores/history-source-store';
import { useHistoryStore } from '../../stores/history-store';
import { useTranslation } from '../../ui/i18n';

/** Rows colleagues or a recorder stored in the team database meanwhile, while the list is held (a row open, pages loaded). */
export function HistoryTailNotice() {
  const { t } = useTranslation('history');
  const tail = useHistorySourceStore((s) => s.tail);
  const search = useHistoryStore((s) => s.search);
  if (!tail) return null;
  return (
    <button type="button" className="link-button" data-testid="history-tail" data-count={tail.count} onClick={() => void search()}>
      {t('tail', { count: tail.count })}
    </button>
  );
}
