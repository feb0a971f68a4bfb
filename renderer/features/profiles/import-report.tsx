import { useProfilesStore } from '../../stores/profiles-store';
import { formatNumber, useTranslation } from '../../ui/i18n';

/** Lines of a report section shown at most; the rest are counted. */
const MAX_LINES = 50;

function Lines({ items, testId }: { items: { name: string; text: string }[]; testId: string }) {
  const { t } = useTranslation('profiles');
  return (
    <ul className="report-lines" data-testid={testId}>
      {items.slice(0, MAX_LINES).map((item, i) => (
        <li key={i}>
          <strong>{item.name}</strong>: {item.text}
        </li>
      ))}
      {items.length > MAX_LINES && <li className="muted">{t('report.more', { n: formatNumber(items.length - MAX_LINES) })}</li>}
    </ul>
  );
}

/** What an import took, what it skipped and why, and what it changed: nothing is lost silently. */
export function ImportReportView() {
  const { t } = useTranslation('profiles');
  const report = useProfilesStore((s) => s.report);
  const dismiss = useProfilesStore((s) => s.dismissReport);
  if (!report) return null;
  return (
    <section className="import-report" data-testid="import-report" role="status">
      <header>
        <strong data-testid="import-report-summary">
          {t('report.imported', { count: report.imported.length, n: formatNumber(report.imported.length) })}
          {report.updated.length ? t('report.updated', { n: formatNumber(report.updated.length) }) : ''}
          {report.kept.length ? t('report.kept', { n: formatNumber(report.kept.length) }) : ''}
          {report.skipped.length ? t('report.skipped', { n: formatNumber(report.skipped.length) }) : ''}
        </strong>
        <button type="button" className="icon-button" title={t('report.dismiss')} aria-label={t('report.dismiss')} data-testid="import-report-close" onClick={dismiss}>
          ×
        </button>
      </header>
      {report.imported.length > 0 && <Lines testId="import-report-imported" items={report.imported.map((p) => ({ name: p.name, text: `${p.options.protocol}://${p.options.host}:${p.options.port}` }))} />}
      {report.updated.length > 0 && (
        <>
          <h3>{t('report.updatedTitle')}</h3>
          <Lines testId="import-report-updated" items={report.updated.map((p) => ({ name: p.name, text: `${p.options.protocol}://${p.options.host}:${p.options.port}` }))} />
        </>
      )}
      {report.kept.length > 0 && (
        <>
          <h3>{t('report.keptTitle')}</h3>
          <Lines testId="import-report-kept" items={report.kept.map((k) => ({ name: k.name, text: t('report.keptText') }))} />
        </>
      )}
      {report.skipped.length > 0 && (
        <>
          <h3>{t('report.skippedTitle')}</h3>
          <Lines testId="import-report-skipped" items={report.skipped.map((s) => ({ name: s.name, text: s.reason }))} />
        </>
      )}
      {report.notes.length > 0 && (
        <>
          <h3>{t('report.notes')}</h3>
          <Lines testId="import-report-notes" items={report.notes.map((n) => ({ name: n.name, text: n.note }))} />
        </>
      )}
    </section>
  );
}
