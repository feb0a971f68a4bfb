/**
 * User scripts in a sandbox that is a security boundary (issue 17).
 *
 * Why QuickJS compiled to WebAssembly (quickjs-emscripten): a script runs in its own JavaScript
 * engine inside a WebAssembly instance, so it can reach only the values we copy in and the
 * functions we hand it: no `require`, `process`, network, files or timers exist there. It needs no
 * native build (isolated-vm does, and none can be downloaded here), and it has the limits we need:
 * a memory limit per runtime (setMemoryLimit), a stack limit (setMaxStackSize) and an interrupt
 * handler polled while the script runs, which stops it at a deadline. Node's `vm` shares the
 * host's heap and prototypes, so it is not a boundary; vm2 is abandoned after repeated escapes.
 * The cost: QuickJS interprets (no JIT), so a call costs microseconds, not nanoseconds, and each
 * value crosses by copy.
 *
 * Shape: a script is compiled once into its own runtime and context (top-level code runs then) and
 * its `decode`/`encode` functions are called many times in that context. A small decode script
 * (a DataView over 5 bytes into an object) costs about 30 µs per call (31 µs measured on this
 * 2-core machine when idle, 57-79 µs while it was loaded by other work), measured by
 * test/unit/script-sandbox.test.ts. A call that breaks a limit (time, memory, stack) throws the
 * context away (the next call starts a fresh one); after `maxConsecutiveFailures` such breaks in a
 * row the script is stopped and every call answers with that failure, so a script that hangs for
 * every message costs its time limit a few times, not for ever.
 *
 * Limits of the limits: the stack limit is kept small (128 KB) because QuickJS's frames also use
 * the host's own native stack, about twice as much; a larger limit let deep recursion overflow
 * the host first. The time limit is polled between bytecodes, so one long native operation is not
 * cut short: the prelude replaces String repeat/padStart/padEnd (which stall for seconds at the
 * memory limit) with versions written in script code. A hard stop for any native stall needs the
 * sandbox in a worker thread (terminate on a watchdog), which makes calls asynchronous: a follow-up.
 * QuickJS's memory limit does not count the bytes behind ArrayBuffers and typed arrays (they come
 * from the WebAssembly memory all scripts of a thread share, which never shrinks), so the prelude
 * charges every way of making one against the same limit per call, and a context that has made
 * more than twice the limit is replaced by a fresh one between calls.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { PRELUDE_FILE, SCRIPT_PRELUDE } from './script-prelude';

export interface ScriptLimits {
  /** Longest one call (or the script's top-level code) may run. */
  timeLimitMs: number;
  /** Heap of the script's runtime. */
  memoryBytes: number;
  /** Stack of the script's runtime: deep recursion stops with "stack overflow" before it. */
  stackBytes: number;
  /** Limit breaks in a row (time, memory, stack) after which the script is stopped. */
  maxConsecutiveFailures: number;
  /** Lines of `log(...)` kept per call, and characters per line. */
  maxLogLines: number;
  maxLogChars: number;
}

export const DEFAULT_SCRIPT_LIMITS: ScriptLimits = {
  timeLimitMs: 50,
  memoryBytes: 16 * 1024 * 1024,
  stackBytes: 128 * 1024,
  maxConsecutiveFailures: 3,
  maxLogLines: 100,
  maxLogChars: 2000,
};

/**
 * decode(payload, message) and encode(value, message) for codec rules; respond(message) for
 * responders (main/core/automation/responders/), called with the message and its payload in one
 * object and answering with its replies (see the prelude's `replies`); tick makes a simulated
 * device's next payload (scenarios: main/core/automation/scenarios/).
 */
export const SCRIPT_FUNCTIONS = ['decode', 'encode', 'respond', 'tick'] as const;
export type ScriptFunctionName = (typeof SCRIPT_FUNCTIONS)[number];

/** What a script is told about the message beside its payload (JSON only: it crosses by copy). */
export interface ScriptMessage {
  topic: string;
  qos?: number;
  retain?: boolean;
  /** MQTT 5 properties as JSON (bytes as `{"$bytes": base64}`). */
  properties?: unknown;
}

export type ScriptValue = { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

/**
 * Why a script did not answer: `syntax` (it does not compile), `thrown` (it threw), `timeout`,
 * `memory`, `stack` (a limit stopped it), `output` (it returned something that is not data),
 * `missing` (no such function), `stopped` (too many limit breaks in a row), `unavailable` (the
 * sandbox could not run at all), `input` (the payload or value is too large to hand in).
 */
export type ScriptFailureKind = 'syntax' | 'thrown' | 'timeout' | 'memory' | 'stack' | 'output' | 'missing' | 'stopped' | 'unavailable' | 'input';

export interface ScriptFailure {
  kind: ScriptFailureKind;
  message: string;
  /** Where in the user's script, 1-based, when the engine says. */
  line?: number;
  column?: number;
}

export type ScriptCallResult = { ok: true; output: ScriptValue; logs: string[] } | { ok: false; failure: ScriptFailure; logs: string[] };

export class ScriptError extends Error {
  constructor(
    readonly failure: ScriptFailure,
    readonly logs: string[] = [],
  ) {
    super(failure.message);
    this.name = 'ScriptError';
  }
}

export interface UserScript {
  /** The functions the script defines (of decode, encode and respond). */
  readonly functions: ReadonlySet<ScriptFunctionName>;
  /** Set once the script was stopped after too many limit breaks in a row. */
  readonly stopped: ScriptFailure | undefined;
  /** Calls `decode(bytes, message)`, `encode(value, message)` or `respond({...message, payload: bytes})`; never throws. */
  call(name: ScriptFunctionName, input: { bytes: Uint8Array } | { value: unknown }, message: ScriptMessage): ScriptCallResult;
  /** Frees the runtime now (otherwise it is freed when the script is garbage collected). */
  dispose(): void;
}

export interface CompileScriptOptions {
  quickjs: QuickJSWASMModule;
  limits?: Partial<ScriptLimits>;
  /** Milliseconds for the time limit (tests pass a clock they move). */
  now?: () => number;
}

/** The name QuickJS gives the user's code in its stack traces ("at decode (script.js:3:7)"). */
const SCRIPT_FILE = 'script.js';
const LOCATION = new RegExp(`${SCRIPT_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`);

interface Instance {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  invoke: QuickJSHandle;
  functions: Map<ScriptFunctionName, QuickJSHandle>;
}

interface State {
  instance: Instance | undefined;
  disposed: boolean;
}

function disposeInstance(instance: Instance): void {
  // Every handle before its context, the context before its runtime: QuickJS aborts on a leak.
  try {
    for (const handle of instance.functions.values()) handle.dispose();
    instance.invoke.dispose();
    instance.context.dispose();
    instance.runtime.dispose();
  } catch {
    // A runtime QuickJS cannot free is left to the WebAssembly memory: freeing must never throw into a decode.
  }
}

const finalizer = new FinalizationRegistry<State>((state) => {
  if (state.instance) disposeInstance(state.instance);
  state.instance = undefined;
});

function locate(stack: unknown): Pick<ScriptFailure, 'line' | 'column'> {
  const match = typeof stack === 'string' ? LOCATION.exec(stack) : null;
  return match ? { line: Number(match[1]), column: Number(match[2]) } : {};
}

/**
 * Compiles a script (runs its top-level code within the limits) into a sandbox of its own.
 * Throws a ScriptError for a syntax error or a failing top level, with the line and column.
 */
export function compileUserScript(source: string, options: CompileScriptOptions): UserScript {
  const limits: ScriptLimits = { ...DEFAULT_SCRIPT_LIMITS, ...options.limits };
  const now = options.now ?? (() => performance.now());
  const { quickjs } = options;
  let deadline = Infinity;
  let logs: string[] = [];
  let strikes = 0;
  let stopped: ScriptFailure | undefined;
  const state: State = { instance: undefined, disposed: false };

  function failureOf(context: QuickJSContext, error: QuickJSHandle, during: string): ScriptFailure {
    let dumped: unknown;
    try {
      dumped = context.dump(error);
    } catch {
      // Dumping needs memory the script may have used up.
      dumped = { name: 'InternalError', message: 'out of memory' };
    }
    if (dumped && typeof dumped === 'object' && 'message' in dumped) {
      const { name, message, stack } = dumped as { name?: unknown; message?: unknown; stack?: unknown };
      const where = locate(stack);
      if (name === 'InternalError' && message === 'interrupted') return { kind: 'timeout', message: `The script ran longer than ${limits.timeLimitMs} ms ${during} and was stopped`, ...where };
      if (name === 'InternalError' && message === 'out of memory') return { kind: 'memory', message: `The script used more than ${Math.round(limits.memoryBytes / (1024 * 1024))} MB ${during} and was stopped`, ...where };
      if (name === 'InternalError' && message === 'stack overflow') return { kind: 'stack', message: `The script recursed too deeply ${during} (stack overflow)`, ...where };
      if (name === 'SyntaxError' && during === 'compiling') return { kind: 'syntax', message: `SyntaxError: ${String(message)}`, ...where };
      const output = typeof stack === 'string' && !LOCATION.test(stack) && stack.includes(PRELUDE_FILE) && name === 'TypeError';
      return { kind: output ? 'output' : 'thrown', message: `${typeof name === 'string' ? `${name}: ` : ''}${String(message)}`, ...where };
    }
    let shown: string;
    try {
      shown = JSON.stringify(dumped) ?? String(dumped);
    } catch {
      shown = String(dumped);
    }
    return { kind: 'thrown', message: `Uncaught ${shown}` };
  }

  function start(): Instance {
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    runtime.setInterruptHandler(() => now() > deadline);
    const context = runtime.newContext();
    const functions = new Map<ScriptFunctionName, QuickJSHandle>();
    let invoke: QuickJSHandle | undefined;
    try {
      const hostLog = context.newFunction('hostLog', (line) => {
        if (logs.length < limits.maxLogLines) logs.push(context.getString(line).slice(0, limits.maxLogChars));
        else if (logs.length === limits.maxLogLines) logs.push(`(more lines than ${limits.maxLogLines} were dropped)`);
      });
      const prelude = context.evalCode(SCRIPT_PRELUDE, PRELUDE_FILE);
      if (prelude.error) {
        const failure = failureOf(context, prelude.error, 'starting');
        prelude.error.dispose();
        hostLog.dispose();
        throw new ScriptError({ ...failure, kind: 'unavailable' });
      }
      const limit = context.newNumber(limits.memoryBytes);
      const made = context.callFunction(prelude.value, context.undefined, hostLog, limit);
      prelude.value.dispose();
      hostLog.dispose();
      limit.dispose();
      invoke = context.unwrapResult(made);
      deadline = now() + limits.timeLimitMs;
      const result = context.evalCode(source, SCRIPT_FILE);
      deadline = Infinity;
      if (result.error) {
        const failure = failureOf(context, result.error, 'compiling');
        result.error.dispose();
        throw new ScriptError(failure, logs);
      }
      result.value.dispose();
      for (const name of SCRIPT_FUNCTIONS) {
        // `function decode`, `const decode = ...` and `globalThis.decode = ...` all count.
        const found = context.evalCode(`typeof ${name} === 'function' ? ${name} : undefined`, PRELUDE_FILE);
        if (found.error) {
          found.error.dispose();
          continue;
        }
        if (context.typeof(found.value) === 'function') functions.set(name, found.value);
        else found.value.dispose();
      }
      return { runtime, context, invoke, functions };
    } catch (error) {
      deadline = Infinity;
      for (const handle of functions.values()) handle.dispose();
      invoke?.dispose();
      context.dispose();
      runtime.dispose();
      if (error instanceof ScriptError) throw error;
      throw new ScriptError({ kind: 'unavailable', message: `The script sandbox failed: ${(error as Error).message}` }, logs);
    }
  }

  function read(context: QuickJSContext, handle: QuickJSHandle): ScriptValue | 'restart' {
    if (context.typeof(handle) === 'string') {
      const text = context.getString(handle);
      if (text === 'R') return 'restart';
      return text.startsWith('T') ? { kind: 'text', text: text.slice(1) } : { kind: 'json', value: JSON.parse(text.slice(1)) as unknown };
    }
    const bytes = context.getArrayBuffer(handle);
    try {
      return { kind: 'bytes', bytes: bytes.value.slice() };
    } finally {
      bytes.dispose();
    }
  }

  function run(name: ScriptFunctionName, input: { bytes: Uint8Array } | { value: unknown }, message: ScriptMessage): ScriptValue {
    const answer = runOnce(name, input, message);
    if (answer !== 'restart') return answer;
    // The context made more buffers than it may keep: a fresh one frees them, and answers this call.
    if (state.instance) disposeInstance(state.instance);
    state.instance = undefined;
    const again = runOnce(name, input, message);
    if (again === 'restart') throw new ScriptError({ kind: 'memory', message: 'The script keeps more buffers than its memory limit allows' });
    return again;
  }

  function runOnce(name: ScriptFunctionName, input: { bytes: Uint8Array } | { value: unknown }, message: ScriptMessage): ScriptValue | 'restart' {
    state.instance ??= start();
    const { context, invoke, functions } = state.instance;
    const fn = functions.get(name);
    if (!fn) throw new ScriptError({ kind: 'missing', message: `The script defines no function ${name}()` });
    const isBytes = 'bytes' in input;
    const json = isBytes ? '' : (JSON.stringify(input.value) ?? 'null');
    const messageJson = JSON.stringify(message);
    // What is handed in is copied into the script's heap: past a quarter of its limit it would not fit beside the script's own work.
    const size = (isBytes ? input.bytes.byteLength : json.length * 2) + messageJson.length * 2;
    if (size > limits.memoryBytes / 4) {
      throw new ScriptError({ kind: 'input', message: `The ${isBytes ? 'payload' : 'value'} (${size} bytes with the message) is too large for the script's memory limit of ${Math.round(limits.memoryBytes / (1024 * 1024))} MB` });
    }
    const args = [
      fn,
      context.newString(name),
      isBytes ? context.newArrayBuffer(input.bytes.slice().buffer) : context.newString(json),
      isBytes ? context.true : context.false,
      context.newString(messageJson),
    ];
    deadline = now() + limits.timeLimitMs;
    const result = context.callFunction(invoke, context.undefined, ...args);
    deadline = Infinity;
    args[1]!.dispose();
    args[2]!.dispose();
    args[4]!.dispose();
    if (result.error) {
      const failure = failureOf(context, result.error, `in ${name}()`);
      result.error.dispose();
      throw new ScriptError(failure);
    }
    try {
      return read(context, result.value);
    } finally {
      result.value.dispose();
    }
  }

  // The first start compiles: a syntax error is the caller's to see at once.
  state.instance = start();
  const functionNames = new Set(state.instance.functions.keys());

  const script: UserScript = {
    functions: functionNames,
    get stopped() {
      return stopped;
    },
    call(name, input, message) {
      const callLogs: string[] = [];
      if (state.disposed) return { ok: false, failure: { kind: 'unavailable', message: 'The script was closed' }, logs: callLogs };
      if (stopped) return { ok: false, failure: stopped, logs: callLogs };
      logs = callLogs;
      try {
        const output = run(name, input, message);
        strikes = 0;
        return { ok: true, output, logs: callLogs };
      } catch (error) {
        if (!(error instanceof ScriptError)) {
          // The host itself failed inside QuickJS (e.g. its own stack ran out): that runtime's state
          // is unknown and freeing it could abort the module every script shares, so it is left
          // unfreed and the script stopped.
          state.instance = undefined;
          stopped = { kind: 'stopped', message: `Stopped: the script sandbox failed (${(error as Error).message})` };
          return { ok: false, failure: stopped, logs: callLogs };
        }
        const { failure } = error;
        if (failure.kind === 'timeout' || failure.kind === 'memory' || failure.kind === 'stack' || failure.kind === 'unavailable') {
          // The context may hold what broke the limit (a huge array, a half-done state): start afresh.
          if (state.instance) disposeInstance(state.instance);
          state.instance = undefined;
          strikes++;
          if (strikes >= limits.maxConsecutiveFailures) {
            stopped = { ...failure, kind: 'stopped', message: `Stopped after ${strikes} failures in a row: ${failure.message}` };
          }
        }
        return { ok: false, failure, logs: callLogs };
      } finally {
        logs = [];
      }
    },
    dispose() {
      if (state.disposed) return;
      state.disposed = true;
      finalizer.unregister(state);
      if (state.instance) disposeInstance(state.instance);
      state.instance = undefined;
    },
  };
  finalizer.register(script, state, state);
  return script;
}
