import { create } from 'zustand';
import type { RequestOutput, ScenarioCounters, ScenarioProblemView, ScenarioSummary, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import { translate } from '../ui/i18n';
import { describeError } from '../ui/errors';

export type BuiltInScenario = RequestOutput<'scenarios.builtIns'>['scenarios'][number];

/** Validation waits this long after the last keystroke in the scenario's text. */
export const VALIDATE_DEBOUNCE_MS = 250;

/** The start form as typed (strings, so a half-typed number is kept); survives switching views. */
export interface ScenarioForm {
  /** The built-in the text came from ('' once nothing was chosen). */
  builtIn: string;
  text: string;
  /** 'broker' (the embedded broker) or a profile id. */
  target: string;
  devices: string;
  rate: string;
  /** Seconds; '' runs until stopped. */
  durationSeconds: string;
}

interface ScenariosState {
  builtIns: BuiltInScenario[];
  form: ScenarioForm;
  problems: ScenarioProblemView[];
  summary: ScenarioSummary | undefined;
  runs: ScenarioCounters[];
  busy: boolean;
  error: WorkbenchError | null;
  /** Loads the built-ins and the runs (when the section opens). */
  load(): Promise<void>;
  setForm(change: Partial<ScenarioForm>): void;
  chooseBuiltIn(name: string): void;
  start(): Promise<boolean>;
  stop(runId: string): Promise<void>;
  /** From `scenarios.counters`. */
  applyCounters(runs: ScenarioCounters[]): void;
  /** Listens to `scenarios.counters`; returns the disposer. */
  watch(): () => void;
}

let validateTimer: ReturnType<typeof setTimeout> | undefined;

/** A whole number typed in a field, or undefined for empty; NaN for anything else (refused by the contract). */
const typed = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

export const useScenariosStore = create<ScenariosState>()((set, get) => ({
  builtIns: [],
  form: { builtIn: '', text: '', target: 'broker', devices: '', rate: '', durationSeconds: '' },
  problems: [],
  summary: undefined,
  runs: [],
  busy: false,
  error: null,

  async load() {
    const [builtIns, list] = await Promise.all([getApi().scenarios.builtIns({}), getApi().scenarios.list({})]);
    if (builtIns.ok) {
      set({ builtIns: builtIns.value.scenarios });
      if (get().form.text === '' && builtIns.value.scenarios[0]) get().chooseBuiltIn(builtIns.value.scenarios[0].name);
    }
    if (list.ok) set({ runs: list.value.runs });
  },

  setForm(change) {
    set({ form: { ...get().form, ...change } });
    if (change.text === undefined) return;
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => {
      const text = get().form.text;
      if (text.trim() === '') {
        set({ problems: [{ path: '', message: translate('automation:scenarios.empty') }], summary: undefined });
        return;
      }
      void getApi()
        .scenarios.validate({ text })
        .then((result) => {
          if (get().form.text !== text) return;
          if (result.ok) set({ problems: result.value.problems, summary: result.value.summary });
          else set({ problems: [{ path: '', message: describeError(result.error) }], summary: undefined });
        });
    }, VALIDATE_DEBOUNCE_MS);
  },

  chooseBuiltIn(name) {
    const builtIn = get().builtIns.find((b) => b.name === name);
    if (!builtIn) return;
    const { text, ...summary } = builtIn;
    set({ form: { ...get().form, builtIn: name, text }, problems: [], summary });
  },

  async start() {
    const { form } = get();
    set({ busy: true, error: null });
    const devices = typed(form.devices);
    const rate = typed(form.rate);
    const seconds = typed(form.durationSeconds);
    const result = await getApi().scenarios.start({
      scenario: { text: form.text },
      target: form.target === 'broker' ? { kind: 'broker' } : { kind: 'profile', profileId: form.target },
      ...(devices !== undefined ? { devices } : {}),
      ...(rate !== undefined ? { ratePerSecond: rate } : {}),
      ...(seconds !== undefined ? { durationMs: Math.round(seconds * 1000) } : {}),
    });
    if (!result.ok) {
      set({ busy: false, error: result.error });
      return false;
    }
    const run = result.value;
    set({ busy: false, runs: [run, ...get().runs.filter((r) => r.runId !== run.runId)] });
    return run.state !== 'failed';
  },

  async stop(runId) {
    const result = await getApi().scenarios.stop({ runId });
    if (!result.ok) set({ error: result.error });
    else set({ runs: get().runs.map((r) => (r.runId === runId ? result.value : r)) });
  },

  applyCounters(runs) {
    set({ runs });
  },

  watch() {
    return getApi().on('scenarios.counters', ({ runs }) => get().applyCounters(runs));
  },
}));
