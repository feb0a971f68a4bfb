import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import type { ResponderDraft, ResponderStatus } from '../../../shared/contract';
import { useAutomationStore } from '../../stores/automation-store';
import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { Check, Field } from '../../ui/field';
import { ScriptTestPane } from './script-test-pane';

const ScriptEditor = lazy(() => import('./script-editor'));

export const RESPONDER_TEMPLATE = [
  '// Called for every message on the filter. Return a reply, an array of replies, or nothing.',
  '// A reply without a topic goes to the request\'s Response Topic with its Correlation Data (MQTT 5).',
  'function respond(message) {',
  '  log("request on", message.topic, message.text);',
  '  return { payload: { ok: true, received: message.json } };',
  '}',
  '',
].join('\n');

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
      choices.set(summary.connectionKey, `${summary.name} (open)`);
    }
    for (const profile of profiles) if (!choices.has(`profile:${profile.id}`)) choices.set(`profile:${profile.id}`, profile.name);
    return [...choices].map(([key, label]) => ({ key, label }));
  }, [profiles, summaries]);
}

/** The responders: list with live counters and problems, and the editor for one. */
export function RespondersSection() {
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
  const startNew = () => setEditing({ name: 'Responder', connectionKey: choices[0]?.key ?? '', filter: 'devices/+/cmd', enabled: true, script: RESPONDER_TEMPLATE });

  return (
    <div className="responders" data-testid="responders">
      <div className="automation-toolbar">
        <button type="button" data-testid="responder-add" onClick={startNew} disabled={editing !== null}>
          Add responder
        </button>
        <span className="field-hint">Scripts that answer messages on a connection (fake a device's request/response or command/ack). They run in a sandbox and start whenever their connection is open.</span>
      </div>
      {loadError && <p className="field-problem">{loadError}</p>}
      {loaded && responders.length === 0 && !editing && <p className="empty">No responders yet.</p>}
      {responders.length > 0 && (
        <table className="responder-list" data-testid="responder-list">
          <thead>
            <tr>
              <th>On</th>
              <th>Name</th>
              <th>Connection</th>
              <th>Filter</th>
              <th title="Messages handled">Handled</th>
              <th title="Replies published">Replied</th>
              <th title="Calls failed and replies not sent">Failed</th>
              <th title="Not handled: the queue was full">Dropped</th>
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
  const setEnabled = useAutomationStore((s) => s.setEnabled);
  const reset = useAutomationStore((s) => s.reset);
  const remove = useAutomationStore((s) => s.remove);
  const { responder, counters, activeOn } = status;
  return (
    <>
      <tr data-testid="responder-row" data-name={responder.name}>
        <td>
          <input type="checkbox" aria-label={`Enable ${responder.name}`} data-testid="responder-enabled" checked={responder.enabled} onChange={(e) => void setEnabled(responder.id, e.target.checked)} />
        </td>
        <td>
          {responder.name}
          <span className={`responder-state ${activeOn.length > 0 ? 'running' : ''}`} data-testid="responder-state">
            {activeOn.length > 0 ? 'running' : responder.enabled ? 'waiting for its connection' : 'off'}
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
            Edit
          </button>
          <button type="button" data-testid="responder-reset" onClick={() => void reset(responder.id)} title="Counters back to zero, the script started afresh">
            Reset
          </button>
          <button type="button" data-testid="responder-delete" onClick={() => void remove(responder.id)}>
            Delete
          </button>
        </td>
      </tr>
      {problem && (
        <tr className="responder-problem-row">
          <td colSpan={9}>
            <p className="field-problem" data-testid="responder-problem">
              {problem.line !== undefined && <strong>line {problem.line}: </strong>}
              {problem.message}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}

function ResponderEditor({ initial, choices, onDone }: { initial: ResponderDraft; choices: ConnectionChoice[]; onDone(): void }) {
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
    if ('error' in result) setError(result.error.message);
    else onDone();
  }

  const known = choices.some((choice) => choice.key === draft.connectionKey);
  return (
    <div className="responder-editor" data-testid="responder-editor">
      <div className="responder-fields">
        <Field label="Name">
          <input data-testid="responder-name" value={draft.name} onChange={(e) => change({ name: e.target.value })} />
        </Field>
        <Field label="Connection">
          <select data-testid="responder-connection" value={draft.connectionKey} onChange={(e) => change({ connectionKey: e.target.value })}>
            {!known && <option value={draft.connectionKey}>{draft.connectionKey || '(choose)'}</option>}
            {choices.map((choice) => (
              <option key={choice.key} value={choice.key}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Topic filter">
          <input data-testid="responder-filter" value={draft.filter} onChange={(e) => change({ filter: e.target.value })} spellCheck={false} />
        </Field>
        <Field label="Reply topic (no Response Topic)" hint="{{topic}} is the request's topic">
          <input data-testid="responder-reply-topic" value={draft.replyTopic ?? ''} placeholder="{{topic}}/reply" onChange={(e) => change({ replyTopic: e.target.value })} spellCheck={false} />
        </Field>
        <Check label="Enabled" checked={draft.enabled ?? true} onChange={(enabled) => change({ enabled })} testId="responder-editor-enabled" />
      </div>
      <Suspense fallback={<p className="empty">Loading the editor…</p>}>
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
          Save
        </button>
        <button type="button" data-testid="responder-cancel" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}
