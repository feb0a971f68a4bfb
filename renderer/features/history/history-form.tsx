import { type FormEvent, useMemo } from 'react';
import { type HistoryForm, useHistoryStore } from '../../stores/history-store';
import { Check, Field } from '../../ui/field';
import { useTranslation } from '../../ui/i18n';

/** The query: which connection, direction, topic filter (+ and #), time range, QoS, retained, text. */
export function HistoryQueryForm() {
  const { t } = useTranslation('history');
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
      <Field label={t('form.topicFilter')} problem={problemOf('topicFilter')} testId="history-topic" hint={t('form.topicFilterHint')}>
        <input data-testid="history-topic" placeholder={t('form.topicFilterPlaceholder')} value={form.topicFilter} aria-invalid={Boolean(problemOf('topicFilter'))} onChange={(e) => setForm({ topicFilter: e.target.value })} />
      </Field>
      <Field label={t('form.text')} testId="history-text" hint={t('form.textHint')}>
        <input data-testid="history-text" type="search" maxLength={1000} value={form.text} onChange={(e) => setForm({ text: e.target.value })} />
      </Field>
      <Field label={t('form.connection')}>
        <select data-testid="history-connection" value={form.connectionLabel} onChange={(e) => setForm({ connectionLabel: e.target.value })}>
          <option value="">{t('form.allConnections')}</option>
          {labels.map((label) => (
            <option key={label} value={label}>
              {label}
            </option>
          ))}
          {form.connectionLabel && !labels.includes(form.connectionLabel) && <option value={form.connectionLabel}>{form.connectionLabel}</option>}
        </select>
      </Field>
      <div className="history-form-row">
        <Field label={t('form.direction')}>
          <select data-testid="history-direction" value={form.direction} onChange={(e) => setForm({ direction: e.target.value as HistoryForm['direction'] })}>
            <option value="">{t('form.inAndOut')}</option>
            <option value="in">{t('form.received')}</option>
            <option value="out">{t('form.published')}</option>
          </select>
        </Field>
        <Field label={t('form.retained')}>
          <select data-testid="history-retain" value={form.retain} onChange={(e) => setForm({ retain: e.target.value as HistoryForm['retain'] })}>
            <option value="">{t('form.any')}</option>
            <option value="yes">{t('form.retainedOnly')}</option>
            <option value="no">{t('form.notRetained')}</option>
          </select>
        </Field>
      </div>
      <Field label={t('form.from')} problem={problemOf('since')} testId="history-since">
        <input data-testid="history-since" type="datetime-local" step="1" value={form.since} onChange={(e) => setForm({ since: e.target.value })} />
      </Field>
      <Field label={t('form.to')} problem={problemOf('until')} testId="history-until">
        <input data-testid="history-until" type="datetime-local" step="1" value={form.until} onChange={(e) => setForm({ until: e.target.value })} />
      </Field>
      <div className="history-qos" role="group" aria-label="QoS">
        <span>QoS</span>
        {([0, 1, 2] as const).map((level) => (
          <Check key={level} label={String(level)} checked={form.qos[level]} onChange={(on) => setQos(level, on)} testId={`history-qos-${level}`} />
        ))}
        <span className="muted">{t('form.qosNone')}</span>
      </div>
      <div className="history-form-actions">
        <button type="submit" className="primary" data-testid="history-search" disabled={loading}>
          {t('form.search')}
        </button>
        <button type="button" data-testid="history-reset" onClick={resetForm}>
          {t('form.reset')}
        </button>
      </div>
    </form>
  );
}
