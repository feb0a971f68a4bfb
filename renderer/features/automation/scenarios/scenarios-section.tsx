import { useEffect } from 'react';
import { SCENARIO_LIMITS, type ScenarioCounters } from '../../../../shared/contract';
import { useBrokerStore } from '../../../stores/broker-store';
import { useProfilesStore } from '../../../stores/profiles-store';
import { useScenariosStore } from '../../../stores/scenarios-store';
import { Field } from '../../../ui/field';
import { Trans, formatNumber, useTranslation } from '../../../ui/i18n';
import { builtInDescription, localizeBuiltIn } from '../samples';
import './scenarios.css';
import { describeError } from '../../../ui/errors';

const number = (n: number) => formatNumber(n);

/** Each counter's label is automation:scenarios.counter.<key>, its explanation (if any) <key>Title. */
const COUNTERS: { key: 'connected' | 'sent' | 'rate' | 'commands' | 'skipped' | 'errors'; title?: 'rateTitle' | 'skippedTitle'; value(c: ScenarioCounters): string; warn?(c: ScenarioCounters): boolean }[] = [
  { key: 'connected', value: (c) => `${number(c.devicesConnected)} / ${number(c.devices)}` },
  { key: 'sent', value: (c) => number(c.messagesSent) },
  { key: 'rate', title: 'rateTitle', value: (c) => `${number(c.messagesPerSecond)} (${number(c.plannedPerSecond)})` },
  { key: 'commands', value: (c) => `${number(c.commandsReceived)} / ${number(c.repliesSent)}` },
  { key: 'skipped', title: 'skippedTitle', value: (c) => number(c.skipped), warn: (c) => c.skipped > 0 },
  { key: 'errors', value: (c) => number(c.errors), warn: (c) => c.errors > 0 },
];

const live = (c: ScenarioCounters) => c.state === 'starting' || c.state === 'running';

function RunCard({ run }: { run: ScenarioCounters }) {
  const { t } = useTranslation('automation');
  const stop = useScenariosStore((s) => s.stop);
  return (
    <li className={`scenario-run ${run.state}`} data-testid="scenario-run" data-state={run.state}>
      <div className="scenario-run-head">
        <strong>{run.name}</strong>
        <span className="scenario-run-state" data-testid="scenario-run-state">
          {t(`scenarios.state.${run.state}`)}
        </span>
        <span className="muted">
          {run.target} · {run.connection === 'shared' ? t('scenarios.sharedConnection') : t('scenarios.ownConnections')}
        </span>
        {live(run) && (
          <button type="button" data-testid="scenario-stop" onClick={() => void stop(run.runId)}>
            {t('scenarios.stop')}
          </button>
        )}
      </div>
      <dl className="scenario-counters">
        {COUNTERS.map((counter) => (
          <div key={counter.key} className={counter.warn?.(run) ? 'warn' : undefined} title={counter.title ? t(`scenarios.counter.${counter.title}`) : undefined}>
            <dt>{t(`scenarios.counter.${counter.key}`)}</dt>
            <dd data-testid={`scenario-counter-${counter.key}`}>{counter.value(run)}</dd>
          </div>
        ))}
      </dl>
      {run.lastError && (
        <p className="scenario-error" data-testid="scenario-last-error">
          {run.lastFailure ? describeError(run.lastFailure) : run.lastError}
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
  const { t } = useTranslation('automation');
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
  // The core serves the built-ins in English: an untouched one reads in the UI's language (and follows a change of it).
  useEffect(() => {
    const builtIn = builtIns.find((b) => b.name === form.builtIn);
    if (!builtIn) return;
    const localized = localizeBuiltIn(builtIn.name, builtIn.text, t);
    if (localized !== form.text) setForm({ text: localized });
  }, [builtIns, form.builtIn, form.text, setForm, t]);

  const canStart = !busy && problems.length === 0 && form.text.trim() !== '' && (form.target !== 'broker' || brokerRunning);
  return (
    <div className="scenarios-section" data-testid="scenarios-section">
      <p className="muted">
        <Trans
          t={t}
          i18nKey="scenarios.intro"
          // Trans types `values` as every placeholder of the namespace at once; these are the two this sentence has.
          values={{ devices: number(SCENARIO_LIMITS.devices), rate: number(SCENARIO_LIMITS.messagesPerSecond) } as never}
          components={{ code: <code /> }}
        />
      </p>
      <div className="scenario-form">
        <Field label={t('scenarios.scenario')}>
          <select data-testid="scenario-built-in" value={form.builtIn} onChange={(e) => chooseBuiltIn(e.target.value)}>
            {form.builtIn === '' && <option value="">{t('scenarios.edited')}</option>}
            {builtIns.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('scenarios.connectTo')} problem={form.target === 'broker' && !brokerRunning ? t('scenarios.brokerNotRunning') : undefined} testId="scenario-target">
          <select data-testid="scenario-target" value={form.target} onChange={(e) => setForm({ target: e.target.value })}>
            <option value="broker">{t('scenarios.embeddedBroker')}</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {t('scenarios.profile', { name: p.name })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('scenarios.devices')} hint={summary ? t('scenarios.inScenario', { n: number(summary.devices) }) : undefined}>
          <input data-testid="scenario-devices" inputMode="numeric" value={form.devices} placeholder={t('scenarios.asWritten')} onChange={(e) => setForm({ devices: e.target.value })} />
        </Field>
        <Field label={t('scenarios.rate')} hint={summary ? t('scenarios.inScenario', { n: number(summary.plannedPerSecond) }) : undefined}>
          <input data-testid="scenario-rate" inputMode="decimal" value={form.rate} placeholder={t('scenarios.asWritten')} onChange={(e) => setForm({ rate: e.target.value })} />
        </Field>
        <Field label={t('scenarios.duration')}>
          <input data-testid="scenario-duration" inputMode="decimal" value={form.durationSeconds} placeholder={t('scenarios.untilStopped')} onChange={(e) => setForm({ durationSeconds: e.target.value })} />
        </Field>
        <button type="button" className="primary" data-testid="scenario-start" disabled={!canStart} onClick={() => void start()}>
          {busy ? t('scenarios.starting') : t('scenarios.start')}
        </button>
      </div>
      {summary && (
        <p className="muted" data-testid="scenario-summary">
          {t('scenarios.summary', {
            description: (form.builtIn && builtInDescription(form.builtIn, t)) || summary.description,
            devices: number(summary.devices),
            connection: summary.connection === 'shared' ? t('scenarios.summaryShared') : t('scenarios.summaryOwn'),
            sparkplug: summary.sparkplug ? t('scenarios.summarySparkplug') : '',
            rate: number(summary.plannedPerSecond),
          })}
        </p>
      )}
      <textarea
        className="scenario-text"
        data-testid="scenario-text"
        spellCheck={false}
        value={form.text}
        aria-label={t('scenarios.textLabel')}
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
          {describeError(error)}
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
