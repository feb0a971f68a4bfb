import { useProfilesStore } from '../../stores/profiles-store';

/** Lines of a report section shown at most; the rest are counted. */
const MAX_LINES = 50;

function Lines({ items, testId }: { items: { name: string; text: string }[]; testId: string }) {
  return (
    <ul className="report-lines" data-testid={testId}>
      {items.slice(0, MAX_LINES).map((item, i) => (
        <li key={i}>
          <strong>{item.name}</strong>: {item.text}
        </li>
      ))}
      {items.length > MAX_LINES && <li className="muted">…and {items.length - MAX_LINES} more</li>}
    </ul>
  );
}

/** What an import took, what it skipped and why, and what it changed: nothing is lost silently. */
export function ImportReportView() {
  const report = useProfilesStore((s) => s.report);
  const dismiss = useProfilesStore((s) => s.dismissReport);
  if (!report) return null;
  return (
    <section className="import-report" data-testid="import-report" role="status">
      <header>
        <strong data-testid="import-report-summary">
          Imported {report.imported.length} profile{report.imported.length === 1 ? '' : 's'}
          {report.updated.length ? `, updated ${report.updated.length}` : ''}
          {report.kept.length ? `, kept ${report.kept.length}` : ''}
          {report.skipped.length ? `, skipped ${report.skipped.length}` : ''}
        </strong>
        <button type="button" className="icon-button" title="Dismiss" aria-label="Dismiss" data-testid="import-report-close" onClick={dismiss}>
          ×
        </button>
      </header>
      {report.imported.length > 0 && <Lines testId="import-report-imported" items={report.imported.map((p) => ({ name: p.name, text: `${p.options.protocol}://${p.options.host}:${p.options.port}` }))} />}
      {report.updated.length > 0 && (
        <>
          <h3>Updated</h3>
          <Lines testId="import-report-updated" items={report.updated.map((p) => ({ name: p.name, text: `${p.options.protocol}://${p.options.host}:${p.options.port}` }))} />
        </>
      )}
      {report.kept.length > 0 && (
        <>
          <h3>Kept as they were</h3>
          <Lines testId="import-report-kept" items={report.kept.map((k) => ({ name: k.name, text: 'a profile of this name exists and was kept' }))} />
        </>
      )}
      {report.skipped.length > 0 && (
        <>
          <h3>Skipped</h3>
          <Lines testId="import-report-skipped" items={report.skipped.map((s) => ({ name: s.name, text: s.reason }))} />
        </>
      )}
      {report.notes.length > 0 && (
        <>
          <h3>Notes</h3>
          <Lines testId="import-report-notes" items={report.notes.map((n) => ({ name: n.name, text: n.note }))} />
        </>
      )}
    </section>
  );
}
