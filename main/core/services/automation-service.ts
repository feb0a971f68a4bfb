import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type ConnectionSummary, type MqttMessage, type Responder, type ResponderStatus, WorkbenchFailure } from '../../../shared/contract';
import { type AutomationSettings, MAX_RESPONDERS } from '../../../shared/contract/automation';
import { createResponderRunner } from '../automation/responders/responder-runner';
import { loadAutomationFile, saveAutomationFile } from '../automation/responders/responders-file';
import { runScriptOnce } from '../automation/script-runner';
import type { ConnectionManager } from '../engine/connection-manager';
import type { EventHub } from '../rpc/event-hub';
import { loadQuickJs, loadedQuickJs, quickJsLoadError } from '../scripts/quickjs-loader';
import { ScriptError, compileUserScript } from '../scripts/script-sandbox';
import type { ChannelsOf, Service } from './service';

/** Counters go out at most this often (the Automation view shows them live). */
const COUNTERS_INTERVAL_MS = 1000;

export interface AutomationServiceOptions {
  /** Where automation.json lives; without it responders live in memory for this run. */
  dataDir: string | undefined;
  events: EventHub;
  /** The open connections: responders subscribe their filters and publish their replies there. */
  manager: Pick<ConnectionManager, 'list' | 'subscribe' | 'unsubscribe' | 'publish'>;
}

export interface AutomationService extends Service<ChannelsOf<'automation'>> {
  /** Every message in and out (create-core's connection hook): queued for the responders, never run here. */
  offer(message: MqttMessage): void;
}

/**
 * The automation domain: responders (kept in the data folder, started on every open connection
 * whose key they name) and the script test pane. A responder subscribes its filter on its
 * connection when the connection is up (unless that filter is already subscribed there), and
 * unsubscribes only what it subscribed itself.
 */
export function createAutomationService(options: AutomationServiceOptions): AutomationService {
  const { events, manager } = options;
  const path = options.dataDir ? join(options.dataDir, 'automation.json') : undefined;
  let settings: AutomationSettings = path ? loadAutomationFile(path) : { responders: [] };
  /** Open connections: id -> key (a message names only its connection id). */
  const keys = new Map<string, string>();
  const connected = new Set<string>();
  /** Filters subscribed by responders, per connection. */
  const ours = new Map<string, Set<string>>();
  let countersTimer: ReturnType<typeof setTimeout> | undefined;
  let countersSentAt = 0;
  let closed = false;

  if (settings.responders.length > 0) void loadQuickJs().catch(() => undefined);

  const runner = createResponderRunner({
    quickjs: () => loadedQuickJs() ?? quickJsLoadError() ?? (void loadQuickJs().catch(() => undefined), undefined),
    publish: (input) => manager.publish(input),
    onProblem: (report) => events.emit('automation.responderProblem', report),
    onCounters: countersChanged,
  });
  runner.set(settings.responders);

  function activeOn(responder: Responder): string[] {
    if (!responder.enabled) return [];
    return [...connected].filter((id) => keys.get(id) === responder.connectionKey);
  }

  function statusOf(responder: Responder): ResponderStatus {
    const state = runner.state(responder.id);
    return {
      responder,
      counters: state?.counters ?? { handled: 0, replied: 0, failed: 0, dropped: 0 },
      activeOn: activeOn(responder),
      ...(state?.lastProblem ? { lastProblem: state.lastProblem } : {}),
    };
  }

  function sendCounters(): void {
    countersTimer = undefined;
    countersSentAt = Date.now();
    events.emit('automation.responderCounters', {
      counters: settings.responders.map((responder) => {
        const status = statusOf(responder);
        return { responderId: responder.id, counters: status.counters, activeOn: status.activeOn };
      }),
    });
  }

  function countersChanged(): void {
    if (countersTimer || closed) return;
    countersTimer = setTimeout(sendCounters, Math.max(0, countersSentAt + COUNTERS_INTERVAL_MS - Date.now()));
    countersTimer.unref?.();
  }

  function find(id: string): Responder {
    const responder = settings.responders.find((item) => item.id === id);
    if (!responder) throw new WorkbenchFailure('NOT_FOUND', `No responder with id ${id}`, { reason: 'noResponder', id });
    return responder;
  }

  /** Subscribes what the enabled responders of an open connection need, and unsubscribes what no responder needs any more. */
  async function syncSubscriptions(connectionId: string): Promise<void> {
    const key = keys.get(connectionId);
    const wanted = new Set(connected.has(connectionId) ? settings.responders.filter((r) => r.enabled && r.connectionKey === key).map((r) => r.filter) : []);
    let mine = ours.get(connectionId);
    const summary = manager.list().find((item) => item.connectionId === connectionId);
    const present = new Set(summary?.subscriptions.map((item) => item.filter) ?? []);
    for (const filter of wanted) {
      if (present.has(filter)) continue;
      if (!mine) ours.set(connectionId, (mine = new Set()));
      mine.add(filter);
      // QoS 1: a request is not lost between the broker and the responder.
      await manager.subscribe({ connectionId, filter, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }).catch((error: unknown) => {
        mine?.delete(filter);
        console.warn(`A responder could not subscribe to ${filter}: ${(error as Error).message}`);
      });
    }
    for (const filter of mine ?? []) {
      if (wanted.has(filter)) continue;
      mine!.delete(filter);
      if (connected.has(connectionId)) await manager.unsubscribe(connectionId, filter).catch(() => undefined);
    }
  }

  function syncAll(): Promise<void> {
    return Promise.all([...connected].map((id) => syncSubscriptions(id))).then(() => undefined);
  }

  function onStatus(summary: ConnectionSummary): void {
    keys.set(summary.connectionId, summary.connectionKey);
    const wasConnected = connected.has(summary.connectionId);
    if (summary.status === 'connected') connected.add(summary.connectionId);
    else connected.delete(summary.connectionId);
    if (summary.status === 'connected' && !wasConnected) void syncSubscriptions(summary.connectionId);
    if (summary.status === 'disconnected') {
      // Connection ids are not reused: a reconnect of this one reports its key again.
      ours.delete(summary.connectionId);
      keys.delete(summary.connectionId);
    }
    if (wasConnected !== connected.has(summary.connectionId)) countersChanged();
  }
  const stopListening = events.subscribe((channel, payload) => {
    if (channel === 'connections.status') onStatus(payload as ConnectionSummary);
  });

  function persist(next: AutomationSettings): void {
    if (path) saveAutomationFile(path, next);
    settings = next;
    runner.set(next.responders);
  }

  /** A script that does not compile, or defines no respond(), is refused with where it is wrong. */
  async function checkScript(source: string): Promise<void> {
    const quickjs = await loadQuickJs();
    let script;
    try {
      script = compileUserScript(source, { quickjs });
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      const { line, column, message } = error.failure;
      if (line === undefined) throw new WorkbenchFailure('INVALID_REQUEST', message, { detail: message });
      const at = `${line}${column !== undefined ? `:${column}` : ''}`;
      throw new WorkbenchFailure('INVALID_REQUEST', `script line ${at}: ${message}`, { reason: 'scriptLine', line: at, detail: message });
    }
    const defined = script.functions.has('respond');
    script.dispose();
    if (!defined) throw new WorkbenchFailure('INVALID_REQUEST', 'The script defines no function respond(message)', { reason: 'noRespondFunction' });
  }

  return {
    offer(message) {
      const key = keys.get(message.connectionId);
      if (key !== undefined) runner.offer(message, key);
    },
    handlers: {
      'automation.listResponders': () => ({ responders: settings.responders.map(statusOf) }),
      'automation.saveResponder': async (draft) => {
        await checkScript(draft.script);
        const responder: Responder = { ...draft, id: draft.id ?? randomUUID() };
        const exists = settings.responders.some((item) => item.id === responder.id);
        if (!exists && settings.responders.length >= MAX_RESPONDERS) throw new WorkbenchFailure('INVALID_REQUEST', `At most ${MAX_RESPONDERS} responders are kept`, { reason: 'tooManyResponders', limit: MAX_RESPONDERS });
        persist({ responders: exists ? settings.responders.map((item) => (item.id === responder.id ? responder : item)) : [...settings.responders, responder] });
        await syncAll();
        return statusOf(responder);
      },
      'automation.removeResponder': async ({ id }) => {
        find(id);
        persist({ responders: settings.responders.filter((item) => item.id !== id) });
        await syncAll();
        return {};
      },
      'automation.setResponderEnabled': async ({ id, enabled }) => {
        const responder = { ...find(id), enabled };
        persist({ responders: settings.responders.map((item) => (item.id === id ? responder : item)) });
        await syncAll();
        return statusOf(responder);
      },
      'automation.resetResponder': ({ id }) => {
        const responder = find(id);
        runner.reset(id);
        countersChanged();
        return statusOf(responder);
      },
      'automation.runScript': async (input) => runScriptOnce(await loadQuickJs(), input),
    },
    async close() {
      closed = true;
      stopListening();
      if (countersTimer) clearTimeout(countersTimer);
      runner.dispose();
    },
  };
}
