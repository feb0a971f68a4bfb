import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { ResponderDraft, ResponderStatus } from '../../../shared/contract';
import { useAutomationStore } from '../../stores/automation-store';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { Check, Field } from '../../ui/field';
import { responderSample } from './samples';
import { ScriptTestPane } from './script-test-pane';
import { translate, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** The reply topic's example: a template, the same in every language. */
const REPLY_TOPIC_EXAMPLE = '{{topic}}/reply';

const ScriptEditor = lazy(() => import('./script-editor'));

interface ConnectionChoice {
  key: string;
  label: string;
}

/** Saved profiles and the open connections (a typed-in one is named by its endpoint key). */
function useConnectionChoices(): ConnectionChoice[] {
  const profiles = useProfilesStore((s) => s.profiles);
  const summaries = useConnectionsStore((s) => s.summaries);
  return useMemo(() => {
    const choices = new Map<string, string>();
    for (const summary of Object.values(summaries)) {
      if (summary.connectionId.startsWith('restored:')) continue;
      choices.set(summary.connectionKey, translate('automation:responders.open', { name: summary.name }));
    }
    for (const profile of profiles) if (!choices.has(`profile:${profile.id}`)) choices.set(`profile:${profile.id}`, profile.name);
    return [...choices].map(([key, label]) => ({ key, label }));
  }, [profiles, summaries]);
}

/** The responders: list with live counters and problems, and the editor for one. */
export function RespondersSection() {
  const { t } = useTranslation('automation');
  const responders = useAutomationStore((s) => s.responders);
  const loaded = useAutomationStore((s) => s.loaded);
  const loadError = useAutomationStore((s) => s.loadError);
  const problems = useAutomationStore((s) => s.problems);
  const load = useAutomationStore((s) => s.load);
  const watch = useAutomationStore((s) => s.watch);
  const choices = useConnectionChoices();
  const [editing, setEditing] = useState<ResponderDraft | null>(null);

  useEffect(() => {
    const stop = watch();
    void load();
    return stop;
  }, [load, watch]);

  const labelOf = (key: string) => choices.find((choice) => choice.key === key)?.label ?? key;
  // The sample is written once, in the language of the moment: the saved script keeps it as it was.
  const startNew = () => setEditing({ name: t('samples.responder.name'), connectionKey: choices[0]?.key ?? '', filter: 'devices/+/cmd', enabled: true, script: responderSample(t) });

  return (
    <div className="responders" data-testid="responders">
      <div className="automation-toolbar">
        <button type="button" data-testid="responder-add" onClick={startNew} disabled={editing !== null}>
          {t('responders.add')}
        </button>
        <span className="field-hint">{t('responders.intro')}</span>
      </div>
      {loadError && <p className="field-problem">{loadError}</p>}
      {loaded && responders.length === 0 && !editing && <p className="empty">{t('responders.none')}</p>}
      {responders.length > 0 && (
        <table className="responder-list" data-testid="responder-list">
          <thead>
            <tr>
              <th>{t('responders.on')}</th>
              <th>{t('responders.name')}</th>
              <th>{t('responders.connection')}</th>
              <th>{t('responders.filter')}</th>
              <th title={t('responders.handledTitle')}>{t('responders.handled')}</th>
              <th title={t('responders.repliedTitle')}>{t('responders.replied')}</th>
              <th title={t('responders.failedTitle')}>{t('responders.failed')}</th>
              <th title={t('responders.droppedTitle')}>{t('responders.dropped')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {responders.map((status) => (
              <ResponderRow key={status.responder.id} status={status} connectionLabel={labelOf(status.responder.connectionKey)} problem={problems.find((p) => p.responderId === status.responder.id)?.problem ?? status.lastProblem} onEdit={() => setEditing(status.responder)} />
            ))}
          </tbody>
        </table>
      )}
      {editing && <ResponderEditor key={editing.id ?? 'new'} initial={editing} choices={choices} onDone={() => setEditing(null)} />}
    </div>
  );
}

function ResponderRow({ status, connectionLabel, problem, onEdit }: { status: ResponderStatus; connectionLabel: string; problem: ResponderStatus['lastProblem']; onEdit(): void }) {
  const { t } = useTranslation('automation');
  const setEnabled = useAutomationStore((s) => s.setEnabled);
  const reset = useAutomationStore((s) => s.reset);
  const remove = useAutomationStore((s) => s.remove);
  const { responder, counters, activeOn } = status;
  return (
    <>
      <tr data-testid="responder-row" data-name={responder.name}>
        <td>
          <input type="checkbox" aria-label={t('responders.enable', { name: responder.name })} data-testid="responder-enabled" checked={responder.enabled} onChange={(e) => void setEnabled(responder.id, e.target.checked)} />
        </td>
        <td>
          {responder.name}
          <span className={`responder-state ${activeOn.length > 0 ? 'running' : ''}`} data-testid="responder-state">
            {activeOn.length > 0 ? t('responders.running') : responder.enabled ? t('responders.waiting') : t('responders.off')}
          </span>
        </td>
        <td>{connectionLabel}</td>
        <td>
          <code>{responder.filter}</code>
        </td>
        <td data-testid="responder-handled">{counters.handled}</td>
        <td data-testid="responder-replied">{counters.replied}</td>
        <td data-testid="responder-failed">{counters.failed}</td>
        <td data-testid="responder-dropped">{counters.dropped}</td>
        <td className="responder-actions">
          <button type="button" data-testid="responder-edit" onClick={onEdit}>
            {t('responders.edit')}
          </button>
          <button type="button" data-testid="responder-reset" onClick={() => void reset(responder.id)} title={t('responders.resetTitle')}>
            {t('responders.reset')}
          </button>
          <button type="button" data-testid="responder-delete" onClick={() => void remove(responder.id)}>
            {t('responders.delete')}
          </button>
        </td>
      </tr>
      {problem && (
        <tr className="responder-problem-row">
          <td colSpan={9}>
            <p className="field-problem" data-testid="responder-problem">
              {problem.line !== undefined && <strong>{t('responders.line', { line: String(problem.line) })}</strong>}
              {problem.message}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}

function ResponderEditor({ initial, choices, onDone }: { initial: ResponderDraft; choices: ConnectionChoice[]; onDone(): void }) {
  const { t } = useTranslation('automation');
  const save = useAutomationStore((s) => s.save);
  const [draft, setDraft] = useState<ResponderDraft>(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const change = (patch: Partial<ResponderDraft>) => setDraft((current) => ({ ...current, ...patch }));

  async function submit(): Promise<void> {
    setSaving(true);
    const { replyTopic, ...rest } = draft;
    const result = await save({ ...rest, ...(replyTopic ? { replyTopic } : {}) });
    setSaving(false);
    if ('error' in result) setError(describeError(result.error));
    else onDone();
  }

  const known = choices.some((choice) => choice.key === draft.connectionKey);
  return (
    <div className="responder-editor" data-testid="responder-editor">
      <div className="responder-fields">
        <Field label={t('responders.name')}>
          <input data-testid="responder-name" value={draft.name} onChange={(e) => change({ name: e.target.value })} />
        </Field>
        <Field label={t('responders.connection')}>
          <select data-testid="responder-connection" value={draft.connectionKey} onChange={(e) => change({ connectionKey: e.target.value })}>
            {!known && <option value={draft.connectionKey}>{draft.connectionKey || t('responders.choose')}</option>}
            {choices.map((choice) => (
              <option key={choice.key} value={choice.key}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('responders.topicFilter')}>
          <input data-testid="responder-filter" value={draft.filter} onChange={(e) => change({ filter: e.target.value })} spellCheck={false} />
        </Field>
        <Field label={t('responders.replyTopic')} hint={t('responders.replyTopicHint', { topic: '{{topic}}' })}>
          <input data-testid="responder-reply-topic" value={draft.replyTopic ?? ''} placeholder={REPLY_TOPIC_EXAMPLE} onChange={(e) => change({ replyTopic: e.target.value })} spellCheck={false} />
        </Field>
        <Check label={t('responders.enabled')} checked={draft.enabled ?? true} onChange={(enabled) => change({ enabled })} testId="responder-editor-enabled" />
      </div>
      <Suspense fallback={<p className="empty">{t('loadingEditor')}</p>}>
        <ScriptEditor value={draft.script} onChange={(script) => change({ script })} testId="responder-script" />
      </Suspense>
      <ScriptTestPane source={draft.script} functions={['respond']} testId="responder-test" />
      {error && (
        <p className="field-problem" data-testid="responder-save-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="responder-save" onClick={() => void submit()} disabled={saving}>
          {t('responders.save')}
        </button>
        <button type="button" data-testid="responder-cancel" onClick={onDone}>
          {t('responders.cancel')}
        </button>
      </div>
    </div>
  );
}
