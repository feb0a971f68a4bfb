/**
 * The broker check (issue 17, "Broker check"): what a broker supports and its limits, from its
 * CONNACK and by trying. Every probe uses topics under a random prefix and clears what it
 * retained. The command line (`mqtt-workbench check broker`) and the app (checks.brokerCheck) run it.
 */
import { randomBytes } from 'node:crypto';
import type { BrokerReport, ConnectionOptions, MqttMessage, MqttVersion } from '../../../shared/contract';
import { versionLabel } from '../../../shared/mqtt/versions';
import { CheckConnectError, type CheckSession, openCheckSession } from './check-session';

export type { BrokerReport };

/** A CONNACK property as reported: the value, and whether the broker sent it or the spec's default applies. */
export interface Limit {
  value: number | boolean | string | null;
  from: 'connack' | 'default';
}

export interface Probe {
  ok: boolean;
  detail: string;
}

/** CONNACK properties (3.2.2.3) with the value the spec says applies when absent. */
export const CONNACK_LIMITS: [key: string, label: string, absent: Limit['value']][] = [
  ['maximumQoS', 'Maximum QoS', 2],
  ['retainAvailable', 'Retain available', true],
  ['wildcardSubscriptionAvailable', 'Wildcard subscriptions', true],
  ['sharedSubscriptionAvailable', 'Shared subscriptions', true],
  ['subscriptionIdentifiersAvailable', 'Subscription identifiers', true],
  ['topicAliasMaximum', 'Topic alias maximum', 0],
  ['maximumPacketSize', 'Maximum packet size', null], // absent: no limit beyond the protocol's
  ['receiveMaximum', 'Receive maximum', 65535],
  ['serverKeepAlive', 'Server keep alive', null],
  ['sessionExpiryInterval', 'Session expiry', null],
  ['assignedClientIdentifier', 'Assigned client id', null],
  ['responseInformation', 'Response information', null],
  ['serverReference', 'Server reference', null],
];

const VERSIONS: [MqttVersion, keyof BrokerReport['versions']][] = [
  [5, '5.0'],
  [4, '3.1.1'],
  [3, '3.1'],
];

/** Bytes of a QoS 1 PUBLISH without properties (3.1.1): fixed header, topic, packet id, payload. */
export function publishPacketSize(topic: string, payloadBytes: number): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + remaining;
}

/** Waits for a message matching `test`, or resolves undefined after `ms` (or when the connection is lost). */
function nextMessage(inbox: MessageInbox, test: (m: MqttMessage) => boolean, ms: number, session: CheckSession): Promise<MqttMessage | undefined> {
  return new Promise((resolve) => {
    const found = inbox.take(test);
    if (found) return resolve(found);
    const timer = setTimeout(() => done(undefined), ms);
    const done = (message: MqttMessage | undefined) => {
      clearTimeout(timer);
      inbox.waiters.delete(waiter);
      resolve(message);
    };
    const waiter = (message: MqttMessage) => {
      if (!test(message)) return false;
      done(message);
      return true;
    };
    inbox.waiters.add(waiter);
    void session.lost.then(() => done(undefined));
  });
}

interface MessageInbox {
  push(message: MqttMessage): void;
  take(test: (m: MqttMessage) => boolean): MqttMessage | undefined;
  waiters: Set<(message: MqttMessage) => boolean>;
}

function createInbox(): MessageInbox {
  const held: MqttMessage[] = [];
  const waiters = new Set<(message: MqttMessage) => boolean>();
  return {
    waiters,
    push(message) {
      for (const waiter of waiters) if (waiter(message)) return;
      held.push(message);
      if (held.length > 1000) held.shift();
    },
    take(test) {
      const index = held.findIndex(test);
      return index >= 0 ? held.splice(index, 1)[0] : undefined;
    },
  };
}

async function connectAs(options: ConnectionOptions, version: MqttVersion, inbox?: MessageInbox): Promise<CheckSession> {
  return openCheckSession({ ...options, protocolVersion: version, clientId: options.clientId ? `${options.clientId}-${randomBytes(2).toString('hex')}` : '' }, (m) => inbox?.push(m));
}

const subscribeOptions = { noLocal: false, retainAsPublished: false, retainHandling: 0 as const };

async function subscribeProbe(session: CheckSession, filter: string, qos: 0 | 1 | 2 = 0): Promise<{ ok: boolean; reasonCode: number; grantedQos?: number; error?: string }> {
  try {
    const granted = await session.manager.subscribe({ connectionId: session.connectionId, filter, qos, ...subscribeOptions });
    return { ok: granted.reasonCode < 0x80, reasonCode: granted.reasonCode, grantedQos: granted.grantedQos };
  } catch (error) {
    return { ok: false, reasonCode: -1, error: (error as Error).message };
  }
}

/** Lengths tried for client ids and topics: the spec's 23-byte minimum [MQTT-3.1.3-5] up to the 65,535 a string can hold. */
const LENGTHS = [23, 256, 1024, 65535];

/** Tries each length in order; stops at the first refused (longer ones would be refused too). */
async function lengthProbe(lengths: number[], accepted: (length: number) => Promise<boolean>): Promise<Probe & { largestAccepted: number | null; smallestRefused: number | null }> {
  let largest: number | null = null;
  for (const length of lengths) {
    if (!(await accepted(length))) return { ok: largest !== null, largestAccepted: largest, smallestRefused: length, detail: `${largest ?? 'no'} bytes accepted, ${length} refused` };
    largest = length;
  }
  return { ok: true, largestAccepted: largest, smallestRefused: null, detail: `up to ${largest} bytes accepted (the longest tried)` };
}

/** Publishes `bytes` at QoS 1 to a topic the session listens to: accepted when it comes back. */
async function sizeAccepted(options: ConnectionOptions, version: MqttVersion, topic: string, bytes: number, waitMs: number): Promise<boolean> {
  const inbox = createInbox();
  let session: CheckSession;
  try {
    session = await connectAs(options, version, inbox);
  } catch {
    return false;
  }
  try {
    if (!(await subscribeProbe(session, topic, 1)).ok) return false;
    const payload = new Uint8Array(bytes);
    const published = session.manager
      .publish({ connectionId: session.connectionId, topic, payload, qos: 1, retain: false })
      .then(() => true)
      .catch(() => false);
    const echoed = await nextMessage(inbox, (m) => m.topic === topic && m.payload.byteLength === bytes, waitMs, session);
    return Boolean(echoed) && (await Promise.race([published, session.lost.then(() => false)]));
  } finally {
    await session.close();
  }
}

export async function checkBroker(options: ConnectionOptions, { bound, waitMs }: { bound: number; waitMs: number }): Promise<BrokerReport> {
  const prefix = `mqtt-workbench-check/${randomBytes(4).toString('hex')}`;
  const versions = {} as BrokerReport['versions'];
  let best: { version: MqttVersion; session: CheckSession; inbox: MessageInbox } | undefined;
  let connack: BrokerReport['connack'];
  for (const [version, label] of VERSIONS) {
    const inbox = createInbox();
    try {
      const session = await connectAs(options, version, inbox);
      versions[label] = { supported: true };
      if (version === 5) {
        const properties = session.connack.connack.properties ?? {};
        connack = Object.fromEntries(
          CONNACK_LIMITS.map(([key, , absent]) => [key, key in properties ? { value: properties[key] as Limit['value'], from: 'connack' } : { value: absent, from: 'default' }]),
        );
      }
      if (!best) best = { version, session, inbox };
      else await session.close();
    } catch (error) {
      // Nothing listens, or TLS or the credentials failed: no other version will do better.
      if (version === 5 && error instanceof CheckConnectError && /^(HOST_UNREACHABLE|DNS_FAILURE|CONNECT_TIMEOUT|AUTH_FAILED|TLS_[A-Z_]+)$/.test(error.code ?? '')) throw error;
      versions[label] = { supported: false, error: error instanceof Error ? error.message.replace(/^Could not connect: /, '') : String(error) };
    }
  }
  const report: BrokerReport = {
    broker: `${options.protocol}://${options.host}:${options.port}`,
    versions,
    ...(connack ? { connack } : {}),
    probes: { version: best ? versionLabel(best.version) : 'none' },
  };
  if (!best) throw new CheckConnectError(`Could not connect with any MQTT version: ${Object.entries(versions).map(([v, r]) => `${v}: ${r.error}`).join('; ')}`, undefined);
  const { session, inbox, version } = best;
  const maxQos = connack?.maximumQoS?.value;
  const probes = report.probes;
  try {
    // QoS 2: the SUBACK's granted QoS, then a QoS 2 PUBLISH delivered back at that QoS.
    const qosTopic = `${prefix}/qos2`;
    const sub = await subscribeProbe(session, qosTopic, 2);
    if (!sub.ok) probes.qos2 = { ok: false, detail: `SUBSCRIBE at QoS 2 refused (${sub.error ?? `reason code 0x${sub.reasonCode.toString(16)}`})` };
    else if (maxQos !== undefined && maxQos !== 2) {
      probes.qos2 = { ok: false, grantedQos: sub.grantedQos!, detail: `not tried: the broker's Maximum QoS is ${String(maxQos)}; SUBSCRIBE at QoS 2 granted QoS ${sub.grantedQos}` };
    } else {
      await session.manager.publish({ connectionId: session.connectionId, topic: qosTopic, payload: new Uint8Array([2]), qos: 2, retain: false }).catch(() => {});
      const back = await nextMessage(inbox, (m) => m.topic === qosTopic, waitMs, session);
      probes.qos2 = back
        ? { ok: back.qos === 2, grantedQos: sub.grantedQos!, deliveredQos: back.qos, detail: `granted QoS ${sub.grantedQos}, delivered at QoS ${back.qos}` }
        : { ok: false, grantedQos: sub.grantedQos!, detail: `granted QoS ${sub.grantedQos}, but the QoS 2 message did not come back within ${waitMs} ms` };
    }

    // Retained: published first, then a new subscription must receive it with the retain flag.
    const retainTopic = `${prefix}/retained`;
    if (connack?.retainAvailable?.value === false) probes.retained = { ok: false, detail: 'not tried: the broker says Retain Available 0' };
    else {
      try {
        await session.manager.publish({ connectionId: session.connectionId, topic: retainTopic, payload: new Uint8Array([1]), qos: 1, retain: true });
        const retainSub = await subscribeProbe(session, retainTopic, 1);
        const back = retainSub.ok ? await nextMessage(inbox, (m) => m.topic === retainTopic, waitMs, session) : undefined;
        probes.retained = back?.retain ? { ok: true, detail: 'a retained message reached a later subscriber' } : { ok: false, detail: back ? 'delivered without the retain flag' : `a later subscriber got nothing within ${waitMs} ms` };
        await session.manager.publish({ connectionId: session.connectionId, topic: retainTopic, payload: new Uint8Array(), qos: 1, retain: true }).catch(() => {});
      } catch (error) {
        probes.retained = { ok: false, detail: `the retained PUBLISH failed: ${(error as Error).message}` };
      }
    }

    const wildcard = await subscribeProbe(session, `${prefix}/+/wild/#`, 0);
    probes.wildcard = { ok: wildcard.ok, detail: wildcard.ok ? 'SUBSCRIBE to a/+/b/# accepted' : `refused (${wildcard.error ?? `reason code 0x${wildcard.reasonCode.toString(16)}`})` };
    if (version === 5) {
      const shared = await subscribeProbe(session, `$share/check/${prefix}/shared`, 0);
      probes.shared = { ok: shared.ok, detail: shared.ok ? 'SUBSCRIBE to $share/group/... accepted' : `refused (${shared.error ?? `reason code 0x${shared.reasonCode.toString(16)}`})` };
    }

    // $SYS: retained statistics arrive at once on most brokers; periodic ones within the wait.
    if (session.manager.has(session.connectionId)) {
      const sys = await subscribeProbe(session, '$SYS/#', 0);
      const first = sys.ok ? await nextMessage(inbox, (m) => m.topic.startsWith('$SYS/'), waitMs, session) : undefined;
      probes.sys = { ok: true, present: Boolean(first), detail: first ? `first message: ${first.topic}` : sys.ok ? `no $SYS message within ${waitMs} ms` : 'SUBSCRIBE to $SYS/# refused' };
    }
  } finally {
    await session.close();
  }

  // Client id and topic lengths: each on a new connection (a broker closes on one it will not take).
  const lengthVersion = best.version;
  probes.clientIdLength = await lengthProbe(LENGTHS, async (length) => {
    try {
      const attempt = await openCheckSession({ ...options, protocolVersion: lengthVersion, clientId: `c${randomBytes(Math.ceil(length / 2)).toString('hex')}`.slice(0, length) });
      await attempt.close();
      return true;
    } catch {
      return false;
    }
  });
  probes.topicLength = await lengthProbe(
    LENGTHS.filter((length) => length > prefix.length + 8),
    (length) => sizeAccepted(options, lengthVersion, `${prefix}/t/${'x'.repeat(length - prefix.length - 3)}`, 1, waitMs),
  );

  // Maximum packet size, by trying: each attempt on a new connection (a broker closes on a packet too large).
  if (bound > 0) {
    // MQTT 3.1.1 when it works: an MQTT 5 client already refuses what CONNACK's limit forbids.
    const sizeVersion = versions['3.1.1'].supported ? 4 : versions['3.1'].supported ? 3 : 5;
    const topic = `${prefix}/size`;
    // The largest payload whose whole PUBLISH is at most the bound (the Remaining Length grows with it).
    let atBound = bound - publishPacketSize(topic, 0);
    while (publishPacketSize(topic, atBound) > bound) atBound--;
    let good = 0;
    let bad: number | null = null;
    if (await sizeAccepted(options, sizeVersion, topic, atBound, waitMs)) good = atBound;
    else {
      bad = atBound;
      while (bad - good > 1) {
        const middle = Math.floor((good + bad) / 2);
        if (await sizeAccepted(options, sizeVersion, topic, middle, waitMs)) good = middle;
        else bad = middle;
      }
    }
    const largest = publishPacketSize(topic, good);
    const smallestRefused = bad === null ? null : publishPacketSize(topic, bad);
    probes.maximumPacketSize = {
      ok: true,
      bound,
      largestAccepted: largest,
      smallestRefused,
      detail: bad === null ? `a ${bound}-byte PUBLISH went through (the probe's bound)` : `largest PUBLISH that went through: ${largest} bytes (MQTT ${versionLabel(sizeVersion)})`,
    };
  }
  return report;
}

