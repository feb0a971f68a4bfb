import { type FormEvent, useMemo } from 'react';
import { type HistoryForm, useHistoryStore } from '../../stores/history-store';
import { Check, Field } from '../../ui/field';

/** The query: which connection, direction, topic filter (+ and #), time range, QoS, retained, text. */
export function HistoryQueryForm() {
  const form = useHistoryStore((s) => s.form);
  const problem = useHistoryStore((s) => s.formProblem);
  const setForm = useHistoryStore((s) => s.setForm);
  const resetForm = useHistoryStore((s) => s.resetForm);
  const search = useHistoryStore((s) => s.search);
  const loading = useHistoryStore((s) => s.loading);
  const connections = useHistoryStore((s) => s.connections);
  // By label, the name the user sees: a profile keeps one key across runs, but keys may share a
  // label (the same host:port typed in with another client id or user name).
  const labels = useMemo(() => [...new Set(connections.map((c) => c.label))], [connections]);
  const problemOf = (field: keyof HistoryForm) => (problem?.field === field ? problem.message : undefined);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };
  const setQos = (level: 0 | 1 | 2, on: boolean) => {
    const qos: HistoryForm['qos'] = [...form.qos];
    qos[level] = on;
    setForm({ qos });
  };

  return (
    <form className="history-form" onSubmit={onSubmit} data-testid="history-form">
      <Field label="Topic filter" problem={problemOf('topicFilter')} testId="history-topic" hint={<>+ one level, # the rest</>}>
        <input data-testid="history-topic" placeholder="e.g. sensors/+/temp or #" value={form.topicFilter} aria-invalid={Boolean(problemOf('topicFilter'))} onChange={(e) => setForm({ topicFilter: e.target.value })} />
      </Field>
      <Field label="Payload contains" testId="history-text" hint="case-insensitive, text payloads">
        <input data-testid="history-text" type="search" maxLength={1000} value={form.text} onChange={(e) => setForm({ text: e.target.value })} />
      </Field>
      <Field label="Connection">
        <select data-testid="history-connection" value={form.connectionLabel} onChange={(e) => setForm({ connectionLabel: e.target.value })}>
          <option value="">All connections</option>
          {labels.map((label) => (
            <option key={label} value={label}>
              {label}
            </option>
          ))}
          {form.connectionLabel && !labels.includes(form.connectionLabel) && <option value={form.connectionLabel}>{form.connectionLabel}</option>}
        </select>
      </Field>
      <div className="history-form-row">
        <Field label="Direction">
          <select data-testid="history-direction" value={form.direction} onChange={(e) => setForm({ direction: e.target.value as HistoryForm['direction'] })}>
            <option value="">In and out</option>
            <option value="in">Received</option>
            <option value="out">Published</option>
          </select>
        </Field>
        <Field label="Retained">
          <select data-testid="history-retain" value={form.retain} onChange={(e) => setForm({ retain: e.target.value as HistoryForm['retain'] })}>
            <option value="">Any</option>
            <option value="yes">Retained only</option>
            <option value="no">Not retained</option>
          </select>
        </Field>
      </div>
      <Field label="From" problem={problemOf('since')} testId="history-since">
        <input data-testid="history-since" type="datetime-local" step="1" value={form.since} onChange={(e) => setForm({ since: e.target.value })} />
      </Field>
      <Field label="To" problem={problemOf('until')} testId="history-until">
        <input data-testid="history-until" type="datetime-local" step="1" value={form.until} onChange={(e) => setForm({ until: e.target.value })} />
      </Field>
      <div className="history-qos" role="group" aria-label="QoS">
        <span>QoS</span>
        {([0, 1, 2] as const).map((level) => (
          <Check key={level} label={String(level)} checked={form.qos[level]} onChange={(on) => setQos(level, on)} testId={`history-qos-${level}`} />
        ))}
        <span className="muted">(none = any)</span>
      </div>
      <div className="history-form-actions">
        <button type="submit" className="primary" data-testid="history-search" disabled={loading}>
          Search
        </button>
        <button type="button" data-testid="history-reset" onClick={resetForm}>
          Reset
        </button>
      </div>
    </form>
  );
}
