import { useEffect } from 'react';
import { SCENARIO_LIMITS, type ScenarioCounters } from '../../../../shared/contract';
import { useBrokerStore } from '../../../stores/broker-store';
import { useProfilesStore } from '../../../stores/profiles-store';
import { useScenariosStore } from '../../../stores/scenarios-store';
import { Field } from '../../../ui/field';
import './scenarios.css';

const number = (n: number) => n.toLocaleString('en-US');

const COUNTERS: { key: string; label: string; title?: string; value(c: ScenarioCounters): string; warn?(c: ScenarioCounters): boolean }[] = [
  { key: 'connected', label: 'Devices connected', value: (c) => `${number(c.devicesConnected)} / ${number(c.devices)}` },
  { key: 'sent', label: 'Messages sent', value: (c) => number(c.messagesSent) },
  { key: 'rate', label: 'Rate / s', title: 'Messages per second over the last second (planned in brackets)', value: (c) => `${number(c.messagesPerSecond)} (${number(c.plannedPerSecond)})` },
  { key: 'commands', label: 'Commands / replies', value: (c) => `${number(c.commandsReceived)} / ${number(c.repliesSent)}` },
  { key: 'skipped', label: 'Skipped', title: 'Publishes left out because the connection had not caught up', value: (c) => number(c.skipped), warn: (c) => c.skipped > 0 },
  { key: 'errors', label: 'Errors', value: (c) => number(c.errors), warn: (c) => c.errors > 0 },
];

const live = (c: ScenarioCounters) => c.state === 'starting' || c.state === 'running';

function RunCard({ run }: { run: ScenarioCounters }) {
  const stop = useScenariosStore((s) => s.stop);
  return (
    <li className={`scenario-run ${run.state}`} data-testid="scenario-run" data-state={run.state}>
      <div className="scenario-run-head">
        <strong>{run.name}</strong>
        <span className="scenario-run-state" data-testid="scenario-run-state">
          {run.state}
        </span>
        <span className="muted">
          {run.target} · {run.connection === 'shared' ? 'all devices on one shared connection' : 'one MQTT connection per device'}
        </span>
        {live(run) && (
          <button type="button" data-testid="scenario-stop" onClick={() => void stop(run.runId)}>
            Stop
          </button>
        )}
      </div>
      <dl className="scenario-counters">
        {COUNTERS.map((counter) => (
          <div key={counter.key} className={counter.warn?.(run) ? 'warn' : undefined} title={counter.title}>
            <dt>{counter.label}</dt>
            <dd data-testid={`scenario-counter-${counter.key}`}>{counter.value(run)}</dd>
          </div>
        ))}
      </dl>
      {run.lastError && (
        <p className="scenario-error" data-testid="scenario-last-error">
          {run.lastError}
        </p>
      )}
    </li>
  );
}

/**
 * Scenarios (issue 17, "Simulation"): pick a built-in or write one, choose where it connects (the
 * embedded broker or a saved profile), start, and watch its live counters until Stop.
 */
export function ScenariosSection() {
  const { builtIns, form, problems, summary, runs, busy, error } = useScenariosStore();
  const { load, setForm, chooseBuiltIn, start, watch } = useScenariosStore.getState();
  const profiles = useProfilesStore((s) => s.profiles);
  const brokerRunning = useBrokerStore((s) => s.status.running);
  useEffect(() => {
    void load();
    void useProfilesStore.getState().load();
    void useBrokerStore.getState().refresh();
    return watch();
  }, [load, watch]);

  const canStart = !busy && problems.length === 0 && form.text.trim() !== '' && (form.target !== 'broker' || brokerRunning);
  return (
    <div className="scenarios-section" data-testid="scenarios-section">
      <p className="muted">
        Virtual devices that connect, publish on a schedule and answer commands. Each device is its own MQTT client unless the scenario says <code>connection: shared</code> (one
        connection for a large fleet). Hard limits per run: {number(SCENARIO_LIMITS.devices)} devices and {number(SCENARIO_LIMITS.messagesPerSecond)} messages/s.
      </p>
      <div className="scenario-form">
        <Field label="Scenario">
          <select data-testid="scenario-built-in" value={form.builtIn} onChange={(e) => chooseBuiltIn(e.target.value)}>
            {form.builtIn === '' && <option value="">(edited)</option>}
            {builtIns.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Connect to" problem={form.target === 'broker' && !brokerRunning ? 'The embedded broker is not running (Broker view)' : undefined} testId="scenario-target">
          <select data-testid="scenario-target" value={form.target} onChange={(e) => setForm({ target: e.target.value })}>
            <option value="broker">Embedded broker</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                Profile: {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Devices" hint={summary ? `scenario: ${number(summary.devices)}` : undefined}>
          <input data-testid="scenario-devices" inputMode="numeric" value={form.devices} placeholder="as written" onChange={(e) => setForm({ devices: e.target.value })} />
        </Field>
        <Field label="Messages / s (all devices)" hint={summary ? `scenario: ${number(summary.plannedPerSecond)}` : undefined}>
          <input data-testid="scenario-rate" inputMode="decimal" value={form.rate} placeholder="as written" onChange={(e) => setForm({ rate: e.target.value })} />
        </Field>
        <Field label="Duration (s)">
          <input data-testid="scenario-duration" inputMode="decimal" value={form.durationSeconds} placeholder="until stopped" onChange={(e) => setForm({ durationSeconds: e.target.value })} />
        </Field>
        <button type="button" className="primary" data-testid="scenario-start" disabled={!canStart} onClick={() => void start()}>
          {busy ? 'Starting…' : 'Start'}
        </button>
      </div>
      {summary && (
        <p className="muted" data-testid="scenario-summary">
          {summary.description} {number(summary.devices)} devices, {summary.connection === 'shared' ? 'all on one shared connection' : 'one MQTT connection each'}
          {summary.sparkplug ? ', Sparkplug B (NDEATH as Will)' : ''}, {number(summary.plannedPerSecond)} messages/s planned.
        </p>
      )}
      <textarea
        className="scenario-text"
        data-testid="scenario-text"
        spellCheck={false}
        value={form.text}
        aria-label="Scenario (YAML or JSON)"
        onChange={(e) => setForm({ text: e.target.value, builtIn: '' })}
      />
      {problems.length > 0 && (
        <ul className="scenario-problems" data-testid="scenario-problems">
          {problems.map((p, i) => (
            <li key={i}>{p.path ? `${p.path}: ${p.message}` : p.message}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="scenario-error" data-testid="scenario-start-error">
          {error.message}
        </p>
      )}
      {runs.length > 0 && (
        <ul className="scenario-runs" data-testid="scenario-runs">
          {runs.map((run) => (
            <RunCard key={run.runId} run={run} />
          ))}
        </ul>
      )}
    </div>
  );
}
