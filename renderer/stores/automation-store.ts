import { create } from 'zustand';
import type { EventPayload, RequestInput, ResponderDraft, ResponderStatus, ScriptRunOutput, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import { useConnectionsStore } from './connections-store';
import { messageBySeq } from './messages-store';
import { useUiStore } from './ui-store';
import { describeError } from '../ui/errors';

export type ResponderProblemEvent = EventPayload<'automation.responderProblem'>;
export type RunScriptInput = RequestInput<'automation.runScript'>;

/** The message the workbench has open (the test pane runs a script on it), if any. */
export interface OpenMessage {
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  payload: Uint8Array;
  properties?: NonNullable<RunScriptInput['message']>['properties'];
}

interface AutomationState {
  responders: ResponderStatus[];
  loaded: boolean;
  loadError: string | null;
  /** Problems reported since the view was opened (one per responder, the newest first). */
  problems: ResponderProblemEvent[];
  load(): Promise<void>;
  save(draft: ResponderDraft): Promise<{ status: ResponderStatus } | { error: WorkbenchError }>;
  remove(id: string): Promise<WorkbenchError | null>;
  setEnabled(id: string, enabled: boolean): Promise<WorkbenchError | null>;
  reset(id: string): Promise<WorkbenchError | null>;
  runScript(input: RunScriptInput): Promise<ScriptRunOutput | { error: WorkbenchError }>;
  /** Follows the responders' problems and counters while a view shows them; returns a disposer. */
  watch(): () => void;
  /** The message open in the workbench's detail pane. */
  openMessage(): OpenMessage | undefined;
}

const api = () => getApi().automation;

function replace(list: ResponderStatus[], status: ResponderStatus): ResponderStatus[] {
  const found = list.some((item) => item.responder.id === status.responder.id);
  return found ? list.map((item) => (item.responder.id === status.responder.id ? status : item)) : [...list, status];
}

export const useAutomationStore = create<AutomationState>()((set, get) => ({
  responders: [],
  loaded: false,
  loadError: null,
  problems: [],
  async load() {
    const result = await api().listResponders({});
    if (result.ok) set({ responders: result.value.responders, loaded: true, loadError: null });
    else set({ loadError: describeError(result.error), loaded: true });
  },
  async save(draft) {
    const result = await api().saveResponder(draft);
    if (!result.ok) return { error: result.error };
    set((state) => ({ responders: replace(state.responders, result.value), problems: state.problems.filter((p) => p.responderId !== result.value.responder.id) }));
    return { status: result.value };
  },
  async remove(id) {
    const result = await api().removeResponder({ id });
    if (!result.ok) return result.error;
    set((state) => ({ responders: state.responders.filter((item) => item.responder.id !== id), problems: state.problems.filter((p) => p.responderId !== id) }));
    return null;
  },
  async setEnabled(id, enabled) {
    const result = await api().setResponderEnabled({ id, enabled });
    if (!result.ok) return result.error;
    set((state) => ({ responders: replace(state.responders, result.value) }));
    return null;
  },
  async reset(id) {
    const result = await api().resetResponder({ id });
    if (!result.ok) return result.error;
    set((state) => ({ responders: replace(state.responders, result.value), problems: state.problems.filter((p) => p.responderId !== id) }));
    return null;
  },
  async runScript(input) {
    const result = await api().runScript(input);
    return result.ok ? result.value : { error: result.error };
  },
  watch() {
    const stopProblems = getApi().on('automation.responderProblem', (event) => {
      set((state) => ({ problems: [event, ...state.problems.filter((p) => p.responderId !== event.responderId)] }));
      void get().load();
    });
    const stopCounters = getApi().on('automation.responderCounters', ({ counters }) => {
      set((state) => ({
        responders: state.responders.map((item) => {
          const found = counters.find((c) => c.responderId === item.responder.id);
          return found ? { ...item, counters: found.counters, activeOn: found.activeOn } : item;
        }),
      }));
    });
    return () => {
      stopProblems();
      stopCounters();
    };
  },
  openMessage() {
    const seq = useUiStore.getState().selectedSeq;
    const activeId = useConnectionsStore.getState().activeId;
    const message = seq === null || !activeId ? undefined : messageBySeq(activeId, seq);
    if (!message) return undefined;
    return { topic: message.topic, qos: message.qos, retain: message.retain, payload: message.payload, ...(message.properties ? { properties: message.properties } : {}) };
  },
}));
