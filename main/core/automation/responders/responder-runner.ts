import { performance } from 'node:perf_hooks';
import type { QuickJSWASMModule } from 'quickjs-emscripten';
import type { MqttMessage, Responder, ResponderCounters, ScriptFailureShape } from '../../../../shared/contract';
import { topicMatches } from '../../../../shared/mqtt/topic';
import { type ScriptLimits, ScriptError, type UserScript, compileUserScript } from '../../scripts/script-sandbox';
import { requestScriptMessage } from '../script-runner';
import { type ReplyPublish, ReplyError, buildReplies } from './responder-replies';

/**
 * Script time allowed per window, as the live decoder's (main/core/codecs/live-decoder.ts): about
 * 10 ms of every 50 ms, so responders never take the event loop from ingest and the UI.
 */
export const RESPONDER_BUDGET_MS = 10;
export const RESPONDER_WINDOW_MS = 50;
/** Messages waiting for their responders, all responders together; more are dropped and counted. */
export const RESPONDER_QUEUE_LIMIT = 1000;
/** A reply that comes back on the same connection (the responder's filter matches it) is not answered within this time. */
const ECHO_MS = 10_000;

export interface ResponderProblemReport {
  responderId: string;
  name: string;
  failures: number;
  problem: ScriptFailureShape;
}

export interface ResponderRunnerOptions {
  /**
   * The sandbox's WebAssembly module once loaded (main/core/scripts/quickjs-loader.ts); undefined
   * while it loads (messages wait in the queue), or why it could not load.
   */
  quickjs(): QuickJSWASMModule | Error | undefined;
  publish(input: ReplyPublish): Promise<void>;
  /** A responder's first problem, once (until it is changed or reset). */
  onProblem(report: ResponderProblemReport): void;
  /** Counters changed (the service reports them at most once a second). */
  onCounters?(): void;
  limits?: Partial<ScriptLimits>;
  /** Monotonic milliseconds for the budget (tests move it). */
  elapsed?: () => number;
  budgetMs?: number;
  windowMs?: number;
  queueLimit?: number;
  /** Runs the queue later: soon (setImmediate) or after `ms` (tests run it by hand). */
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

export interface ResponderState {
  responder: Responder;
  counters: ResponderCounters;
  lastProblem: ScriptFailureShape | undefined;
}

export interface ResponderRunner {
  /** Replaces the responders; one whose script, filter or connection changed starts afresh (counters too). */
  set(responders: Responder[]): void;
  /** A message on an open connection (`connectionKey`: its key across runs); only queued here, never run. */
  offer(message: MqttMessage, connectionKey: string): void;
  state(id: string): ResponderState | undefined;
  /** Counters and problem back to zero, the script compiled again. */
  reset(id: string): void;
  /** Messages waiting. */
  queued(): number;
  /** Runs the queue now within the budget (what the scheduler calls). */
  drain(): void;
  dispose(): void;
}

interface Entry {
  responder: Responder;
  script: UserScript | undefined;
  /** Set when the script does not compile: every message fails with it without another try. */
  compileFailure: ScriptFailureShape | undefined;
  counters: ResponderCounters;
  lastProblem: ScriptFailureShape | undefined;
  reported: boolean;
}

const realSchedule = (run: () => void, ms: number) => {
  if (ms <= 0) {
    const handle = setImmediate(run);
    return { cancel: () => clearImmediate(handle) };
  }
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
};

const sameDefinition = (a: Responder, b: Responder) => a.script === b.script && a.filter === b.filter && a.connectionKey === b.connectionKey && a.replyTopic === b.replyTopic && a.name === b.name;

/**
 * Runs responders' `respond(message)` in the sandbox, off the ingest path: offer() only queues
 * (bounded; a full queue drops and counts), and the queue is run in later turns of the event loop
 * within a time budget per window. A script that throws fails that call; one that loops or
 * allocates is cut off by the sandbox's limits and stopped after a few in a row. Each responder's
 * first problem is reported once, with its error; after that only its counters move.
 */
export function createResponderRunner(options: ResponderRunnerOptions): ResponderRunner {
  const elapsed = options.elapsed ?? (() => performance.now());
  const budgetMs = options.budgetMs ?? RESPONDER_BUDGET_MS;
  const windowMs = options.windowMs ?? RESPONDER_WINDOW_MS;
  const queueLimit = options.queueLimit ?? RESPONDER_QUEUE_LIMIT;
  const schedule = options.schedule ?? realSchedule;
  const entries = new Map<string, Entry>();
  let queue: { entry: Entry; message: MqttMessage }[] = [];
  let head = 0;
  let scheduled: { cancel(): void } | undefined;
  let windowStart = -Infinity;
  let spent = 0;
  let disposed = false;
  /** Replies sent, by connection and topic, with when each stops counting as an echo. */
  const echoes = new Map<string, number[]>();

  const freshCounters = (): ResponderCounters => ({ handled: 0, replied: 0, failed: 0, dropped: 0 });

  function release(entry: Entry): void {
    entry.script?.dispose();
    entry.script = undefined;
  }

  function fail(entry: Entry, problem: ScriptFailureShape): void {
    entry.counters.failed++;
    entry.lastProblem = problem;
    if (!entry.reported) {
      entry.reported = true;
      options.onProblem({ responderId: entry.responder.id, name: entry.responder.name, failures: entry.counters.failed, problem });
    }
    options.onCounters?.();
  }

  function scriptOf(entry: Entry): UserScript | ScriptFailureShape {
    if (entry.script) return entry.script;
    if (entry.compileFailure) return entry.compileFailure;
    const quickjs = options.quickjs();
    if (!quickjs) return { kind: 'unavailable', message: 'The script sandbox is still starting' };
    if (quickjs instanceof Error) return { kind: 'unavailable', message: `The script sandbox could not start: ${quickjs.message}` };
    try {
      const script = compileUserScript(entry.responder.script, { quickjs, ...(options.limits ? { limits: options.limits } : {}) });
      if (!script.functions.has('respond')) {
        script.dispose();
        entry.compileFailure = { kind: 'missing', message: 'The script defines no function respond(message)' };
        return entry.compileFailure;
      }
      entry.script = script;
      return script;
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      entry.compileFailure = error.failure;
      return error.failure;
    }
  }

  function isEcho(message: MqttMessage): boolean {
    const key = `${message.connectionId}\u0000${message.topic}`;
    const times = echoes.get(key);
    if (!times) return false;
    const now = elapsed();
    while (times.length > 0 && times[0]! < now) times.shift();
    if (times.length === 0) {
      echoes.delete(key);
      return false;
    }
    times.shift();
    if (times.length === 0) echoes.delete(key);
    return true;
  }

  function noteReply(reply: ReplyPublish): void {
    const key = `${reply.connectionId}\u0000${reply.topic}`;
    let times = echoes.get(key);
    if (!times) echoes.set(key, (times = []));
    // Bounded: a responder answering on one topic at a high rate keeps the newest few hundred.
    if (times.length >= 500) times.shift();
    times.push(elapsed() + ECHO_MS);
    if (echoes.size > 10_000) echoes.delete(echoes.keys().next().value!);
  }

  function handle(entry: Entry, message: MqttMessage): void {
    entry.counters.handled++;
    const script = scriptOf(entry);
    if (!('call' in script)) {
      fail(entry, script);
      return;
    }
    const result = script.call('respond', { bytes: message.payload }, requestScriptMessage(message));
    if (!result.ok) {
      fail(entry, result.failure);
      return;
    }
    if (result.output.kind !== 'json') {
      fail(entry, { kind: 'output', message: 'respond() must return a reply, an array of replies, or nothing' });
      return;
    }
    let replies: ReplyPublish[];
    try {
      replies = buildReplies(JSON.stringify(result.output.value), {
        connectionId: message.connectionId,
        request: message,
        replyTopic: entry.responder.replyTopic,
        seq: entry.counters.handled,
      });
    } catch (error) {
      if (!(error instanceof ReplyError)) throw error;
      fail(entry, { kind: 'reply', message: error.message });
      return;
    }
    options.onCounters?.();
    for (const reply of replies) {
      noteReply(reply);
      options.publish(reply).then(
        () => {
          entry.counters.replied++;
          options.onCounters?.();
        },
        (error: unknown) => fail(entry, { kind: 'reply', message: `The reply to ${reply.topic} was not sent: ${(error as Error).message}` }),
      );
    }
  }

  function arm(ms: number): void {
    if (scheduled || disposed) return;
    scheduled = schedule(() => {
      scheduled = undefined;
      runner.drain();
    }, ms);
  }

  const runner: ResponderRunner = {
    set(responders) {
      const keep = new Set<string>();
      for (const responder of responders) {
        keep.add(responder.id);
        const entry = entries.get(responder.id);
        if (entry && sameDefinition(entry.responder, responder)) {
          entry.responder = responder;
          continue;
        }
        if (entry) release(entry);
        entries.set(responder.id, { responder, script: undefined, compileFailure: undefined, counters: freshCounters(), lastProblem: undefined, reported: false });
      }
      for (const [id, entry] of entries) {
        if (keep.has(id)) continue;
        release(entry);
        entries.delete(id);
      }
    },
    offer(message, connectionKey) {
      // Only what the broker sent: the app's own publishes (and the replies) come back as 'out'.
      if (message.direction !== 'in' || disposed) return;
      let echo: boolean | undefined;
      for (const entry of entries.values()) {
        const { responder } = entry;
        if (!responder.enabled || responder.connectionKey !== connectionKey || !topicMatches(responder.filter, message.topic)) continue;
        // A responder's own reply delivered back to it (its filter covers the reply topic) is not answered: no ping-pong.
        echo ??= isEcho(message);
        if (echo) return;
        if (queue.length - head >= queueLimit) {
          entry.counters.dropped++;
          options.onCounters?.();
          continue;
        }
        queue.push({ entry, message });
      }
      if (queue.length > head) arm(0);
    },
    drain() {
      scheduled?.cancel();
      scheduled = undefined;
      if (head < queue.length && options.quickjs() === undefined) {
        // The sandbox is still loading (tens of milliseconds, once): the messages wait for it.
        arm(20);
        return;
      }
      const now = elapsed();
      if (now - windowStart >= windowMs) {
        windowStart = now;
        spent = 0;
      }
      while (head < queue.length && spent < budgetMs && !disposed) {
        const { entry, message } = queue[head]!;
        queue[head++] = undefined as never;
        // A responder removed or disabled while its messages waited does not answer them.
        if (entries.get(entry.responder.id) !== entry || !entry.responder.enabled) continue;
        const start = elapsed();
        handle(entry, message);
        spent += elapsed() - start;
      }
      if (head >= queue.length) {
        queue = [];
        head = 0;
        return;
      }
      if (head > 4096) {
        queue = queue.slice(head);
        head = 0;
      }
      // The budget of this window is spent: the rest waits for the next one.
      arm(Math.max(1, windowStart + windowMs - elapsed()));
    },
    state(id) {
      const entry = entries.get(id);
      return entry && { responder: entry.responder, counters: { ...entry.counters }, lastProblem: entry.lastProblem };
    },
    reset(id) {
      const entry = entries.get(id);
      if (!entry) return;
      release(entry);
      entry.compileFailure = undefined;
      entry.counters = freshCounters();
      entry.lastProblem = undefined;
      entry.reported = false;
    },
    queued: () => queue.length - head,
    dispose() {
      disposed = true;
      scheduled?.cancel();
      scheduled = undefined;
      for (const entry of entries.values()) release(entry);
      entries.clear();
      queue = [];
      head = 0;
    },
  };
  return runner;
}
