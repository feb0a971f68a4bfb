/**
 * One run of a scenario: connects the devices (each its own client, or all on one shared
 * connection), publishes on the pacer's slots, answers commands, and stops cleanly (Sparkplug
 * DDEATH and NDEATH, then DISCONNECT). The clock, randomness and transport are injected: unit tests
 * run it on a test clock and an in-memory transport, integration tests on real brokers.
 */
import { decodeSparkplugB } from '../../../../shared/codecs/sparkplug-b';
import { SCENARIO_LIMITS, type ScenarioCounters } from '../../../../shared/contract/scenarios';
import type { ErrorCode, ErrorParams, WorkbenchError } from '../../../../shared/contract/errors';
import { topicMatches } from '../../../../shared/mqtt/topic';
import { expandVariables } from '../../../../shared/templates/message-variables';
import type { UserScript } from '../../scripts/script-sandbox';
import { type ScenarioDefinition, deviceVariables, totalRate } from './definition';
import { type Pacer, type PacerClock, createPacer, realPacerClock } from './pacer';
import { type SparkplugMetric, encodeSparkplugPayload, metricValue } from './sparkplug-encoder';
import type { DeviceLink, IncomingCommand, ScenarioTransport } from './transport';

/** Publishes waiting on one connection beyond which a device skips its slot instead of queueing more. */
const MAX_BACKLOG_PER_LINK = 1000;
const MAX_BACKLOG_SHARED = 20_000;
const RATE_WINDOW_MS = 1000;
/** Tags whose value changes from one message to the next (the message variables' built-ins). */
const DYNAMIC_TAG = /^\{\{\s*(now|uuid|seq|random|randomFloat|pick)\b/;

type TemplatePart = string | { tag: string; fixed: boolean };

/** Literal text and `{{…}}` tags; a text with an escaped `\\{{` stays one tag, expanded whole each time. */
function splitTemplate(text: string): TemplatePart[] {
  if (text.includes('\\{{')) return [{ tag: text, fixed: false }];
  const parts: TemplatePart[] = [];
  let at = 0;
  for (let open = text.indexOf('{{'); open >= 0; open = text.indexOf('{{', at)) {
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    if (open > at) parts.push(text.slice(at, open));
    const tag = text.slice(open, close + 2);
    parts.push({ tag, fixed: !DYNAMIC_TAG.test(tag) });
    at = close + 2;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

export interface ScenarioRunOptions {
  runId: string;
  scenario: ScenarioDefinition;
  transport: ScenarioTransport;
  /** Pacing (monotonic); the real one by default. */
  clock?: PacerClock;
  /** Epoch ms for `{{now}}` and Sparkplug timestamps. */
  wallNow?: () => number;
  random?: () => number;
  /** The scenario's compiled script, when it has one (its `tick` makes payloads). */
  script?: UserScript;
  /** Stops by itself after this long. */
  durationMs?: number;
  /** Called once when the run has ended (stopped, finished its duration, or failed). */
  onEnd?: (counters: ScenarioCounters) => void;
}

export interface ScenarioRun {
  readonly runId: string;
  /** Connects the devices and starts publishing; rejects only on a bug (a failed start shows in the counters). */
  start(): Promise<void>;
  /** Stops cleanly; resolves once every device is gone. Safe to call twice. */
  stop(): Promise<void>;
  counters(): ScenarioCounters;
  /** Resolves when the run has ended. */
  readonly ended: Promise<ScenarioCounters>;
}

/** The Sparkplug state of one edge node. */
interface EdgeNode {
  groupId: string;
  nodeId: string;
  /** Birth/death sequence: one per MQTT session, carried by NBIRTH and by the NDEATH Will [tck-id-payloads-nbirth-bdseq]. */
  bdSeq: number;
  /** Message sequence 0-255: 0 on NBIRTH, +1 per message after it [tck-id-payloads-sequence-num-incrementing]. */
  seq: number;
}

interface Device {
  index: number;
  /** The device's variables, `clientId` included once it is known. */
  variables: Record<string, string>;
  /** Tags of the device's fixed variables (not now, seq, random...), expanded. */
  fixed: Map<string, string>;
  clientId: string;
  link?: DeviceLink;
  /** Per publish entry. */
  seqs: number[];
  responders: string[];
  node?: EdgeNode;
  removers: (() => void)[];
}

export function createScenarioRun(options: ScenarioRunOptions): ScenarioRun {
  const { scenario, transport, runId, script } = options;
  const clock = options.clock ?? realPacerClock;
  const wallNow = options.wallNow ?? Date.now;
  const random = options.random ?? Math.random;
  const shared = scenario.connection === 'shared';
  const counters = {
    devicesConnected: 0,
    messagesSent: 0,
    commandsReceived: 0,
    repliesSent: 0,
    errors: 0,
    skipped: 0,
  };
  let state: ScenarioCounters['state'] = 'starting';
  let lastError: string | undefined;
  let lastFailure: WorkbenchError | undefined;
  const startedAt = wallNow();
  let stoppedAt: number | undefined;
  let sample = { at: clock.now(), sent: 0 };
  let rate = 0;
  const pacer: Pacer = createPacer({ clock, random, onSkipped: (n) => (counters.skipped += n) });
  const devices: Device[] = [];
  const templates = new Map<string, TemplatePart[]>();
  let sharedLink: DeviceLink | undefined;
  let durationTimer: { cancel(): void } | undefined;
  let stopping: Promise<void> | undefined;
  let resolveEnded: (counters: ScenarioCounters) => void = () => {};
  const ended = new Promise<ScenarioCounters>((resolve) => (resolveEnded = resolve));

  /** `code` and `params`: the same as an error, for the page's translation (ScenarioCounters.lastFailure). */
  function error(message: string, code: ErrorCode, params: ErrorParams): void {
    counters.errors++;
    lastError = message;
    lastFailure = { code, message, params };
  }

  function expand(text: string, device: Device, seq: number, extra?: Record<string, string>): string {
    if (!text.includes('{{')) return text;
    if (extra) return expandWhole(text, { ...device.variables, ...extra }, seq, wallNow);
    // Split once into literal text and tags; a tag of the device's fixed variables is expanded once per device.
    let parts = templates.get(text);
    if (!parts) templates.set(text, (parts = splitTemplate(text)));
    const now = wallNow();
    const clock = () => now;
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      if (part.fixed) {
        let value = device.fixed.get(part.tag);
        if (value === undefined) device.fixed.set(part.tag, (value = expandWhole(part.tag, device.variables, seq, clock)));
        out += value;
      } else out += expandWhole(part.tag, device.variables, seq, clock);
    }
    return out;
  }

  function expandWhole(text: string, variables: Record<string, string>, seq: number, now: () => number): string {
    const result = expandVariables(text, { seq, now, random, variables });
    if (!result.ok) throw new Error(`${result.problem.message} in "${text}"`);
    return result.text;
  }

  function linkOf(device: Device): DeviceLink | undefined {
    return shared ? sharedLink : device.link;
  }

  function send(link: DeviceLink, topic: string, payload: Uint8Array | string, qos: 0 | 1 | 2, retain: boolean, kind: 'message' | 'reply', correlationData?: Uint8Array): Promise<void> {
    return link.publish(topic, payload, { qos, retain, ...(correlationData ? { correlationData } : {}) }).then(
      () => {
        if (kind === 'reply') counters.repliesSent++;
        else counters.messagesSent++;
      },
      (failure: unknown) => error(`Publish to ${topic} failed: ${(failure as Error).message}`, 'PUBLISH_FAILED', { reason: 'publishFailed', topic, detail: (failure as Error).message }),
    );
  }

  function payloadFromScript(device: Device, entryIndex: number, seq: number, topic: string): Uint8Array | string {
    if (!script) throw new Error('No script to make the payload');
    const entry = scenario.publish[entryIndex]!;
    const result = script.call('tick', { value: { device: device.index + 1, index: device.index, seq, now: wallNow(), entry: entry.name ?? entryIndex, clientId: device.clientId, variables: device.variables } }, { topic, qos: entry.qos, retain: entry.retain });
    if (!result.ok) {
      const failure = script.stopped ?? result.failure;
      const message = `tick(): ${failure.message}${failure.line ? ` (line ${failure.line})` : ''}`;
      // A script the sandbox stopped (it kept breaking its limits) answers nothing again: the run ends, reported once.
      if (script.stopped && state === 'running') void failRun();
      throw new Error(message);
    }
    const { output } = result;
    return output.kind === 'bytes' ? output.bytes : output.kind === 'text' ? output.text : JSON.stringify(output.value);
  }

  function publishEntry(device: Device, entryIndex: number): void {
    const link = linkOf(device);
    if (!link) return;
    if (link.backlog >= (shared ? MAX_BACKLOG_SHARED : MAX_BACKLOG_PER_LINK)) {
      counters.skipped++;
      return;
    }
    const entry = scenario.publish[entryIndex]!;
    const seq = device.seqs[entryIndex]!++;
    try {
      const topic = expand(entry.topic, device, seq);
      const payload = entry.payload !== undefined ? expand(entry.payload, device, seq) : payloadFromScript(device, entryIndex, seq, topic);
      void send(link, topic, payload, entry.qos, entry.retain, 'message');
    } catch (failure) {
      error((failure as Error).message, 'INVALID_REQUEST', { reason: 'scenarioMessage', detail: (failure as Error).message });
    }
  }

  // ---- Sparkplug B edge nodes --------------------------------------------------------------

  const sp = scenario.sparkplug;
  const spTopic = (node: EdgeNode, type: string, deviceId?: string) => `spBv1.0/${node.groupId}/${type}/${node.nodeId}${deviceId ? `/${deviceId}` : ''}`;
  function nextSeq(node: EdgeNode): number {
    const seq = node.seq;
    node.seq = (node.seq + 1) % 256;
    return seq;
  }
  function metricsOf(device: Device, defs: NonNullable<typeof sp>['nodeMetrics'], now: number): SparkplugMetric[] {
    return defs.map((def) => ({ name: def.name, type: def.type, value: metricValue(def.type, expand(def.value, device, 0)), timestamp: now }));
  }
  function deathPayload(node: EdgeNode, now: number): Uint8Array {
    // NDEATH carries only bdSeq and no seq [tck-id-payloads-ndeath-bdseq].
    return encodeSparkplugPayload({ timestamp: now, metrics: [{ name: 'bdSeq', type: 'UInt64', value: BigInt(node.bdSeq) }] });
  }
  function birth(device: Device): void {
    const node = device.node!;
    const link = device.link!;
    if (!sp) return;
    const now = wallNow();
    node.seq = 0;
    const nodeMetrics: SparkplugMetric[] = [
      { name: 'bdSeq', type: 'UInt64', value: BigInt(node.bdSeq), timestamp: now },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false, timestamp: now },
      ...metricsOf(device, sp.nodeMetrics, now),
    ];
    // NBIRTH and DBIRTH: QoS 0, not retained [tck-id-topics-nbirth-qos] [tck-id-topics-nbirth-retained].
    void send(link, spTopic(node, 'NBIRTH'), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(node), metrics: nodeMetrics }), 0, false, 'message');
    for (const id of sp.devices) {
      void send(link, spTopic(node, 'DBIRTH', id), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(node), metrics: metricsOf(device, sp.deviceMetrics, now) }), 0, false, 'message');
    }
  }
  function sparkplugData(device: Device): void {
    const node = device.node;
    const link = device.link;
    if (!sp || !node || !link) return;
    if (link.backlog >= MAX_BACKLOG_PER_LINK) {
      counters.skipped++;
      return;
    }
    try {
      const now = wallNow();
      if (sp.nodeMetrics.length > 0) void send(link, spTopic(node, 'NDATA'), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(node), metrics: metricsOf(device, sp.nodeMetrics, now) }), 0, false, 'message');
      if (sp.deviceMetrics.length > 0) {
        for (const id of sp.devices) void send(link, spTopic(node, 'DDATA', id), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(node), metrics: metricsOf(device, sp.deviceMetrics, now) }), 0, false, 'message');
      }
    } catch (failure) {
      error((failure as Error).message, 'INVALID_REQUEST', { reason: 'scenarioMessage', detail: (failure as Error).message });
    }
  }
  function sparkplugCommand(device: Device, command: IncomingCommand): void {
    counters.commandsReceived++;
    try {
      const decoded = decodeSparkplugB(command.payload) as { metrics?: { name?: string; value?: unknown }[] };
      // An NCMD with Node Control/Rebirth = true: NBIRTH and every DBIRTH again, seq from 0, same bdSeq [tck-id-operational-behavior-edge-node-rebirth].
      const rebirth = decoded.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true);
      if (rebirth && command.topic === spTopic(device.node!, 'NCMD')) birth(device);
    } catch (failure) {
      error(`A command on ${command.topic} could not be read: ${(failure as Error).message}`, 'INVALID_REQUEST', {
        reason: 'commandUnreadable',
        topic: command.topic,
        detail: (failure as Error).message,
      });
    }
  }
  async function sparkplugDeath(device: Device): Promise<void> {
    const node = device.node;
    const link = device.link;
    if (!sp || !node || !link) return;
    const now = wallNow();
    const deaths = sp.devices.map((id) => send(link, spTopic(node, 'DDEATH', id), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(node), metrics: [] }), 0, false, 'message'));
    // An edge node that leaves on purpose says so itself; the Will covers every other way out.
    deaths.push(send(link, spTopic(node, 'NDEATH'), deathPayload(node, now), 1, false, 'message'));
    await Promise.all(deaths);
  }

  // ---- Commands --------------------------------------------------------------------------

  function respond(device: Device, command: IncomingCommand): void {
    const link = linkOf(device);
    if (!link) return;
    scenario.respond.forEach((responder, i) => {
      if (!topicMatches(device.responders[i]!, command.topic)) return;
      counters.commandsReceived++;
      try {
        const request = { 'request.topic': command.topic, 'request.payload': new TextDecoder().decode(command.payload) };
        const topic = responder.topic !== undefined ? expand(responder.topic, device, 0, request) : command.responseTopic;
        if (!topic) throw new Error(`A command on ${command.topic} has no Response Topic and the responder names no topic`);
        void send(link, topic, expand(responder.payload, device, 0, request), responder.qos, responder.retain, 'reply', command.correlationData);
      } catch (failure) {
        error((failure as Error).message, 'INVALID_REQUEST', { reason: 'scenarioMessage', detail: (failure as Error).message });
      }
    });
  }

  // ---- Devices ---------------------------------------------------------------------------

  function makeDevice(index: number): Device {
    const variables = deviceVariables(scenario, index);
    const device: Device = { index, variables, fixed: new Map(), clientId: '', seqs: scenario.publish.map(() => 0), responders: [], removers: [] };
    device.clientId = expand(scenario.clientId, device, 0);
    device.variables = { ...variables, clientId: device.clientId };
    device.fixed.clear();
    device.responders = scenario.respond.map((r) => expand(r.filter, device, 0));
    if (sp) device.node = { groupId: expand(sp.groupId, device, 0), nodeId: expand(sp.edgeNode, device, 0), bdSeq: 0, seq: 0 };
    return device;
  }

  function schedule(device: Device): void {
    // Devices are spread over each interval, so a fleet does not publish in one burst.
    const spread = (interval: number) => (scenario.devices > 1 ? (device.index / scenario.devices) * interval : 0);
    scenario.publish.forEach((entry, i) => {
      device.removers.push(pacer.add({ intervalMs: entry.intervalMs, jitterMs: entry.jitterMs, phaseMs: spread(entry.intervalMs), fire: () => publishEntry(device, i) }));
    });
    if (sp && (sp.nodeMetrics.length > 0 || sp.deviceMetrics.length > 0)) {
      device.removers.push(pacer.add({ intervalMs: sp.intervalMs, jitterMs: sp.jitterMs, phaseMs: spread(sp.intervalMs), fire: () => sparkplugData(device) }));
    }
  }

  async function connectDevice(device: Device): Promise<void> {
    const node = device.node;
    const will = node ? { topic: spTopic(node, 'NDEATH'), payload: deathPayload(node, wallNow()), qos: 1 as const, retain: false } : undefined;
    const link = await transport.connect(device.clientId, will);
    if (state !== 'starting' && state !== 'running') {
      await link.close();
      return;
    }
    device.link = link;
    counters.devicesConnected++;
    link.onLost((reason) => {
      if (!device.link) return;
      device.link = undefined;
      counters.devicesConnected--;
      for (const remove of device.removers.splice(0)) remove();
      error(`${device.clientId} lost its connection: ${reason}`, 'CONNECTION_LOST', { reason: 'deviceLost', client: device.clientId, detail: reason });
      // Devices stay down once lost (a fleet reconnecting at once is a storm): with none left the run has ended.
      if (counters.devicesConnected === 0 && state === 'running') void failRun();
    });
    link.onMessage((command) => (node && command.topic.startsWith('spBv1.0/') ? sparkplugCommand(device, command) : respond(device, command)));
    if (node) {
      await link.subscribe([spTopic(node, 'NCMD'), spTopic(node, 'DCMD', '+')], 0);
      birth(device);
    }
    if (device.responders.length > 0) await link.subscribe(device.responders, 0);
    schedule(device);
  }

  async function connectShared(): Promise<void> {
    const first = devices[0]!;
    const clientId = expand(scenario.clientId, { ...first, fixed: new Map(), variables: { ...first.variables, device: 'shared' } }, 0);
    const link = await transport.connect(clientId);
    sharedLink = link;
    counters.devicesConnected = devices.length;
    link.onLost((reason) => {
      sharedLink = undefined;
      counters.devicesConnected = 0;
      error(`The shared connection was lost: ${reason}`, 'CONNECTION_LOST', { reason: 'sharedLost', detail: reason });
      if (state === 'running' || state === 'starting') void failRun();
    });
    link.onMessage((command) => {
      for (const device of devices) if (device.responders.some((filter) => topicMatches(filter, command.topic))) respond(device, command);
    });
    const filters = [...new Set(devices.flatMap((d) => d.responders))];
    for (let i = 0; i < filters.length; i += 1000) await link.subscribe(filters.slice(i, i + 1000), 0);
    for (const device of devices) schedule(device);
  }

  function snapshot(): ScenarioCounters {
    const now = clock.now();
    if (now - sample.at >= RATE_WINDOW_MS / 2) {
      rate = ((counters.messagesSent - sample.sent) * 1000) / (now - sample.at);
      sample = { at: now, sent: counters.messagesSent };
    }
    return {
      runId,
      name: scenario.name,
      state,
      connection: scenario.connection,
      target: transport.target,
      devices: scenario.devices,
      ...counters,
      messagesPerSecond: state === 'running' || state === 'starting' ? Math.round(rate * 10) / 10 : 0,
      plannedPerSecond: Math.round(totalRate(scenario) * 10) / 10,
      ...(lastError !== undefined ? { lastError } : {}),
      ...(lastFailure !== undefined ? { lastFailure } : {}),
      startedAt,
      ...(stoppedAt !== undefined ? { stoppedAt } : {}),
    };
  }

  function finish(final: ScenarioCounters['state']): void {
    state = final;
    stoppedAt = wallNow();
    const last = snapshot();
    resolveEnded(last);
    options.onEnd?.(last);
  }

  async function stopAll(final: 'stopped' | 'failed'): Promise<void> {
    if (state !== 'failed') state = 'stopping';
    durationTimer?.cancel();
    pacer.stop();
    await Promise.all(
      devices.map(async (device) => {
        if (device.node && device.link) await sparkplugDeath(device).catch(() => {});
        const link = device.link;
        device.link = undefined;
        if (link) {
          counters.devicesConnected--;
          await link.close();
        }
      }),
    );
    if (sharedLink) {
      const link = sharedLink;
      sharedLink = undefined;
      counters.devicesConnected = 0;
      await link.close();
    }
    script?.dispose();
    finish(final);
  }

  let failing: Promise<void> | undefined;
  function failRun(): Promise<void> {
    state = 'failed';
    failing ??= stopAll('failed');
    return failing;
  }

  const run: ScenarioRun = {
    runId,
    ended,
    async start() {
      if (scenario.devices > SCENARIO_LIMITS.devices || totalRate(scenario) > SCENARIO_LIMITS.messagesPerSecond) {
        // The schema refuses these already; a definition built in code is checked here too.
        lastError = `Refused: above the limits of ${SCENARIO_LIMITS.devices} devices and ${SCENARIO_LIMITS.messagesPerSecond} messages/s`;
        lastFailure = { code: 'INVALID_REQUEST', message: lastError, params: { reason: 'scenarioLimits', devices: SCENARIO_LIMITS.devices, rate: SCENARIO_LIMITS.messagesPerSecond } };
        finish('failed');
        return;
      }
      try {
        for (let i = 0; i < scenario.devices; i++) devices.push(makeDevice(i));
        if (shared) await connectShared();
        else {
          // The first device alone: a wrong host or refused credentials fail the run at once, not N times.
          await connectDevice(devices[0]!);
          let next = 1;
          const worker = async () => {
            while (next < devices.length && state === 'starting') {
              const device = devices[next++]!;
              await connectDevice(device).catch((failure: unknown) =>
                error(`${device.clientId} could not connect: ${(failure as Error).message}`, 'HOST_UNREACHABLE', { reason: 'deviceConnect', client: device.clientId, detail: (failure as Error).message }),
              );
            }
          };
          await Promise.all(Array.from({ length: Math.min(SCENARIO_LIMITS.concurrentConnects, devices.length - 1) }, worker));
        }
      } catch (failure) {
        error(`Could not connect to ${transport.target}: ${(failure as Error).message}`, 'HOST_UNREACHABLE', { reason: 'cannotConnect', url: transport.target, detail: (failure as Error).message });
        state = 'failed';
        await stopAll('failed');
        return;
      }
      if (state !== 'starting') return;
      state = 'running';
      if (options.durationMs !== undefined) durationTimer = clock.setTimeout(() => void run.stop(), options.durationMs);
    },
    stop() {
      if (state === 'stopped' || state === 'failed') return stopping ?? failing ?? Promise.resolve();
      stopping ??= stopAll('stopped');
      return stopping;
    },
    counters: snapshot,
  };
  return run;
}
