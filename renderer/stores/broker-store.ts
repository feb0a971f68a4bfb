import { create } from 'zustand';
import type { BrokerLimits, BrokerStatusView, BrokerTlsInput, RequestOutput, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import type { LimitKey } from '../model/broker-limits';

export type BrokerInspection = RequestOutput<'broker.inspect'>;

export interface BrokerUser {
  username: string;
  password: string;
}

export interface BrokerStartOptions {
  port: number;
  wsPort?: number;
  users?: BrokerUser[];
  tls?: BrokerTlsInput;
  limits?: BrokerLimits;
}



/** `broker.changed` events are coalesced: at most one inspect per this period. */
export const INSPECT_DEBOUNCE_MS = 300;

const EMPTY_INSPECTION: BrokerInspection = { clients: [], sessions: [], retained: [], truncated: false };

/** The start form as typed (strings, so a half-typed port is kept); survives switching views. */
export interface BrokerForm {
  port: string;
  wsPort: string;
  users: BrokerUser[];
  tlsEnabled: boolean;
  tlsPort: string;
  /** A certificate generated for localhost/127.0.0.1, or the user's own PEM certificate and key. */
  tlsMode: 'generated' | 'pem';
  tlsCert: string;
  tlsKey: string;
  /** mosquitto.conf limits as typed; '' = the broker's default. */
  limits: Record<LimitKey, string>;
  retainAvailable: boolean;
}

interface BrokerState {
  form: BrokerForm;
  setForm(change: Partial<BrokerForm>): void;
  status: BrokerStatusView;
  /** Set while a start or stop request is in flight. */
  busy: 'starting' | 'stopping' | null;
  /** The failure of the last start/stop (e.g. BROKER_START_FAILED when the port is taken). */
  error: WorkbenchError | null;
  inspection: BrokerInspection;
  inspectError: WorkbenchError | null;
  /** Asks the host for the broker's status (when the panel opens or the link comes back). */
  refresh(): Promise<void>;
  start(options: BrokerStartOptions): Promise<boolean>;
  stop(): Promise<void>;
  /** From `broker.stats`: counters once a second while running, `running: false` once stopped. */
  applyStats(status: BrokerStatusView): void;
  /** From `broker.changed`: refreshes the live lists, debounced. */
  changed(): void;
  inspect(): Promise<void>;
  /** The live lists are fetched only while a Broker panel is open to show them. */
  setWatching(watching: boolean): void;
}

let inspectTimer: ReturnType<typeof setTimeout> | undefined;
/** Open Broker panels (0 = nobody looks: changes are not inspected). */
let watchers = 0;

export const useBrokerStore = create<BrokerState>()((set, get) => ({
  form: {
    port: '1883',
    wsPort: '',
    users: [],
    tlsEnabled: false,
    tlsPort: '8883',
    tlsMode: 'generated',
    tlsCert: '',
    tlsKey: '',
    limits: { maxKeepalive: '', maxInflightMessages: '', maxQueuedMessages: '', maxPacketSize: '', messageSizeLimit: '' },
    retainAvailable: true,
  },
  setForm(change) {
    set((state) => ({ form: { ...state.form, ...change } }));
  },
  status: { running: false },
  busy: null,
  error: null,
  inspection: EMPTY_INSPECTION,
  inspectError: null,

  async refresh() {
    const result = await getApi().broker.status({});
    if (!result.ok) return;
    const wasRunning = get().status.running;
    set({ status: result.value });
    if (result.value.running) void get().inspect();
    else if (wasRunning) set({ inspection: EMPTY_INSPECTION });
  },

  async start({ port, wsPort, users, tls, limits }) {
    set({ busy: 'starting', error: null });
    const result = await getApi().broker.start({
      port,
      ...(wsPort !== undefined ? { wsPort } : {}),
      ...(users && users.length > 0 ? { users } : {}),
      ...(tls ? { tls } : {}),
      ...(limits && Object.keys(limits).length > 0 ? { limits } : {}),
    });
    if (!result.ok) {
      set({ busy: null, error: result.error });
      return false;
    }
    set({ busy: null, status: result.value });
    void get().inspect();
    return true;
  },

  async stop() {
    set({ busy: 'stopping', error: null });
    const result = await getApi().broker.stop({});
    clearTimeout(inspectTimer);
    inspectTimer = undefined;
    if (!result.ok) set({ busy: null, error: result.error });
    else set({ busy: null, status: { running: false }, inspection: EMPTY_INSPECTION });
  },

  applyStats(status) {
    if (!status.running) {
      clearTimeout(inspectTimer);
      inspectTimer = undefined;
      set({ status, inspection: EMPTY_INSPECTION });
      return;
    }
    set({ status });
  },

  changed() {
    if (inspectTimer !== undefined || watchers === 0) return;
    inspectTimer = setTimeout(() => {
      inspectTimer = undefined;
      void get().inspect();
    }, INSPECT_DEBOUNCE_MS);
  },

  async inspect() {
    if (!get().status.running) return;
    const result = await getApi().broker.inspect({});
    // The broker may have stopped while the request was out: keep the lists empty then.
    if (!get().status.running) return;
    if (result.ok) set({ inspection: result.value, inspectError: null });
    else set({ inspectError: result.error });
  },

  setWatching(watching) {
    watchers = Math.max(0, watchers + (watching ? 1 : -1));
  },
}));
