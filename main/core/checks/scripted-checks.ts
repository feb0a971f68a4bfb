/**
 * Scripted checks (issue 17): a file with a `name` and `steps`, each a one-key map (connect,
 * subscribe, publish, expect, expectNone, wait), run in order on the app's engine. The first failed
 * step fails the check; the rest are skipped.
 */
import { z } from 'zod';
import { load as loadYaml } from 'js-yaml';
import type { ConnectionOptions, MqttMessage } from '../../../shared/contract';
import { PAYLOAD_FORMATS, encodePayload } from '../../../shared/codecs/payload-format';
import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import { describeReason } from '../../../shared/mqtt/reason-codes';
import { topicMatches } from '../../../shared/mqtt/topic';
import { type CheckSession, openCheckSession } from './check-session';

const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const connectStep = z
  .object({
    profile: z.string().optional(),
    host: z.string().optional(),
    port: z.number().int().optional(),
    protocol: z.enum(['mqtt', 'mqtts', 'ws', 'wss']).optional(),
    protocolVersion: z.union([z.literal(5), z.literal(311), z.literal(31), z.literal('5'), z.literal('311'), z.literal('31')]).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    clientId: z.string().optional(),
    keepalive: z.number().int().optional(),
  })
  .strict();

const stepSchema = z.union([
  z.object({ connect: connectStep }).strict(),
  z
    .object({
      subscribe: z
        .object({
          topic: z.string().min(1),
          qos: qos.default(0),
          /** The SUBACK must grant this QoS. */
          grantedQos: qos.optional(),
          /** The SUBACK's reason code must be this one (e.g. 135, Not authorized): a refusal then passes. */
          reasonCode: z.number().int().min(0).max(255).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      publish: z
        .object({
          topic: z.string().min(1),
          /** Text in `format`; an object or array is sent as its JSON. */
          payload: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).default(''),
          format: z.enum(PAYLOAD_FORMATS).default('text'),
          qos: qos.default(0),
          retain: z.boolean().default(false),
          contentType: z.string().optional(),
          responseTopic: z.string().optional(),
          userProperties: z.record(z.string(), z.string()).optional(),
          /** QoS 1/2: the PUBACK/PUBREC must carry this reason code (e.g. 135, Not authorized): a refusal then passes. */
          reasonCode: z.number().int().min(0).max(255).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      expect: z
        .object({
          /** A topic filter: wildcards allowed. */
          topic: z.string().min(1),
          /** The payload's exact text. */
          payload: z.string().optional(),
          /** Text the payload must contain. */
          contains: z.string().optional(),
          /** JSON paths (`a.b[0].c`, optionally starting with `$.`) and the value each must have. */
          json: z.record(z.string(), scalar).optional(),
          qos: qos.optional(),
          retain: z.boolean().optional(),
          contentType: z.string().optional(),
          userProperties: z.record(z.string(), z.string()).optional(),
          within: z.number().int().min(0).default(5000),
        })
        .strict(),
    })
    .strict(),
  z.object({ expectNone: z.object({ topic: z.string().min(1), within: z.number().int().min(0).default(1000) }).strict() }).strict(),
  z.object({ wait: z.number().int().min(0).max(3_600_000) }).strict(),
]);

export const checkFileSchema = z.object({ name: z.string().min(1), steps: z.array(stepSchema).min(1) }).strict();
export type CheckFile = z.output<typeof checkFileSchema>;
type Step = CheckFile['steps'][number];
/** A connect step's fields: a profile by name, or a host and port with options. */
export type ConnectStep = Extract<Step, { connect: unknown }>['connect'];

/** A check file that cannot be read: not YAML/JSON, or not a name and steps. */
export class CheckFileError extends Error {}

/**
 * Reads a check file's text: YAML when `fileName` ends in .yaml/.yml or has no JSON extension
 * (JSON is YAML too), JSON for .json; the first problems with their paths when it is not a check file.
 */
export function parseCheckFile(text: string, fileName: string): CheckFile {
  let value: unknown;
  try {
    value = /\.json$/i.test(fileName) ? JSON.parse(text) : loadYaml(text);
  } catch (error) {
    throw new CheckFileError(`${fileName} could not be read: ${(error as Error).message}`);
  }
  const parsed = checkFileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new CheckFileError(`${fileName} is not a check file: ${issues.join('; ')}`);
  }
  return parsed.data;
}
type ExpectStep = Extract<Step, { expect: unknown }>['expect'];

export interface StepResult {
  index: number;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  message?: string;
}

export interface CheckResult {
  name: string;
  file: string;
  steps: StepResult[];
  passed: boolean;
  durationMs: number;
}

export function stepTitle(step: Step): string {
  if ('connect' in step) return `connect ${step.connect.profile ? `profile "${step.connect.profile}"` : `${step.connect.host ?? '(default host)'}:${step.connect.port ?? '(default port)'}`}`;
  if ('subscribe' in step) return `subscribe ${step.subscribe.topic} (QoS ${step.subscribe.qos})`;
  if ('publish' in step) return `publish ${step.publish.topic}`;
  if ('expect' in step) return `expect ${step.expect.topic} within ${step.expect.within} ms`;
  if ('expectNone' in step) return `expect nothing on ${step.expectNone.topic} for ${step.expectNone.within} ms`;
  return `wait ${step.wait} ms`;
}

/** Reads `a.b[0]` / `$.a.b.0` in a parsed JSON value. */
export function readJsonPath(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '');
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Why a message does not match an expect step, or null when it does. */
function mismatch(message: MqttMessage, expected: ExpectStep): string | null {
  const text = decodeUtf8Strict(message.payload);
  if (expected.payload !== undefined && text !== expected.payload) return `payload ${JSON.stringify(text ?? '(binary)')} is not ${JSON.stringify(expected.payload)}`;
  if (expected.contains !== undefined && !(text ?? '').includes(expected.contains)) return `payload does not contain ${JSON.stringify(expected.contains)}`;
  if (expected.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text ?? '');
    } catch {
      return 'payload is not JSON';
    }
    for (const [path, value] of Object.entries(expected.json)) {
      const actual = readJsonPath(parsed, path);
      if (actual !== value) return `${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`;
    }
  }
  if (expected.qos !== undefined && message.qos !== expected.qos) return `QoS ${message.qos}, expected ${expected.qos}`;
  if (expected.retain !== undefined && message.retain !== expected.retain) return `retain ${message.retain}, expected ${expected.retain}`;
  if (expected.contentType !== undefined && message.properties?.contentType !== expected.contentType) {
    return `content type ${JSON.stringify(message.properties?.contentType ?? null)}, expected ${JSON.stringify(expected.contentType)}`;
  }
  for (const [key, value] of Object.entries(expected.userProperties ?? {})) {
    if (!message.properties?.userProperties?.some((p) => p.key === key && p.value === value)) return `no user property ${key}=${value}`;
  }
  return null;
}

function failure(message: string): Error {
  return new Error(message);
}

/**
 * Runs one check file. `connectOptions` turns a connect step into what to connect with: the
 * command line lets its flags take precedence (so CI can point a file at another port), the app
 * looks a profile up by name with its stored secrets.
 */
export async function runChecks(file: string, check: CheckFile, connectOptions: (step: ConnectStep) => ConnectionOptions | Promise<ConnectionOptions>): Promise<CheckResult> {
  const started = Date.now();
  const results: StepResult[] = [];
  /** Messages received and not yet matched by an expect step, oldest first. */
  const inbox: MqttMessage[] = [];
  const listeners = new Set<() => boolean>();
  let session: CheckSession | undefined;
  let failed = false;

  const waitForMatch = (test: (m: MqttMessage) => boolean, ms: number): Promise<MqttMessage | undefined> =>
    new Promise((resolve) => {
      const look = () => {
        const index = inbox.findIndex(test);
        if (index < 0) return false;
        finish(inbox.splice(index, 1)[0]);
        return true;
      };
      const timer = setTimeout(() => finish(undefined), ms);
      const finish = (message: MqttMessage | undefined) => {
        clearTimeout(timer);
        listeners.delete(look);
        resolve(message);
      };
      if (!look()) listeners.add(look);
    });

  const need = (): CheckSession => {
    if (!session) throw failure('no connection: add a connect step first');
    return session;
  };

  async function run(step: Step): Promise<void> {
    if ('connect' in step) {
      const options = await connectOptions(step.connect);
      await session?.close();
      session = await openCheckSession(options, (message) => {
        inbox.push(message);
        for (const listener of listeners) if (listener()) break;
      });
      return;
    }
    if ('subscribe' in step) {
      const s = need();
      const { reasonCode, grantedQos } = step.subscribe;
      let granted: { reasonCode: number; grantedQos: number };
      try {
        granted = await s.manager.subscribe({ connectionId: s.connectionId, filter: step.subscribe.topic, qos: step.subscribe.qos, noLocal: false, retainAsPublished: false, retainHandling: 0 });
      } catch (error) {
        // A refusal: its code is the last SUBACK's (steps run one at a time).
        const code = s.lastSubackCodes()?.[0];
        if (reasonCode === undefined || code === undefined || code < 0x80) throw error;
        granted = { reasonCode: code, grantedQos: code };
      }
      if (reasonCode !== undefined) {
        if (granted.reasonCode !== reasonCode) throw failure(`SUBACK reason code ${describeReason(granted.reasonCode, 'suback')}, expected ${describeReason(reasonCode, 'suback')}`);
      } else if (granted.reasonCode >= 0x80) throw failure(`the broker refused the subscription (${describeReason(granted.reasonCode, 'suback')})`);
      if (grantedQos !== undefined && granted.grantedQos !== grantedQos) throw failure(`granted QoS ${granted.grantedQos}, expected ${grantedQos}`);
      return;
    }
    if ('publish' in step) {
      const s = need();
      const p = step.publish;
      const text = typeof p.payload === 'string' ? p.payload : JSON.stringify(p.payload);
      const encoded = encodePayload(text, p.format);
      if (!encoded.ok) throw failure(`the payload is not valid ${p.format}: ${encoded.problem.message}`);
      const userProperties = p.userProperties && Object.keys(p.userProperties).length > 0 ? Object.entries(p.userProperties).map(([key, value]) => ({ key, value: String(value) })) : undefined;
      const properties = {
        ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
        ...(p.responseTopic !== undefined ? { responseTopic: p.responseTopic } : {}),
        ...(userProperties ? { userProperties } : {}),
      };
      let refusal: unknown;
      try {
        await s.manager.publish({ connectionId: s.connectionId, topic: p.topic, payload: encoded.bytes, qos: p.qos, retain: p.retain, ...(Object.keys(properties).length > 0 ? { properties } : {}) });
      } catch (error) {
        refusal = error;
      }
      if (p.reasonCode === undefined) {
        if (refusal) throw refusal;
        return;
      }
      if (p.qos === 0) throw failure('a reason code needs QoS 1 or 2 (a QoS 0 PUBLISH is not acknowledged)');
      // The engine reports a refusal as an error; its code is the last acknowledgement's (steps run one at a time).
      const code = s.lastPublishAck();
      if (code === undefined) throw refusal ?? failure('no acknowledgement came');
      if (code !== p.reasonCode) throw failure(`${p.qos === 1 ? 'PUBACK' : 'PUBREC'} reason code ${describeReason(code)}, expected ${describeReason(p.reasonCode)}`);
      return;
    }
    if ('expect' in step) {
      need();
      const e = step.expect;
      let nearest: string | undefined;
      const found = await waitForMatch((m) => {
        if (!topicMatches(e.topic, m.topic)) return false;
        const why = mismatch(m, e);
        if (why) nearest = `${m.topic}: ${why}`;
        return why === null;
      }, e.within);
      if (!found) throw failure(`no matching message on ${e.topic} within ${e.within} ms${nearest ? ` (last one seen: ${nearest})` : ''}`);
      return;
    }
    if ('expectNone' in step) {
      need();
      const { topic, within } = step.expectNone;
      const found = await waitForMatch((m) => topicMatches(topic, m.topic), within);
      if (found) throw failure(`a message arrived on ${found.topic}: ${JSON.stringify(decodeUtf8Strict(found.payload) ?? '(binary)')}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, step.wait));
  }

  try {
    for (const [index, step] of check.steps.entries()) {
      const title = stepTitle(step);
      if (failed) {
        results.push({ index: index + 1, title, status: 'skipped', durationMs: 0 });
        continue;
      }
      const stepStart = Date.now();
      try {
        await run(step);
        results.push({ index: index + 1, title, status: 'passed', durationMs: Date.now() - stepStart });
      } catch (error) {
        failed = true;
        results.push({ index: index + 1, title, status: 'failed', durationMs: Date.now() - stepStart, message: (error as Error).message });
      }
    }
  } finally {
    await session?.close();
  }
  return { name: check.name, file, steps: results, passed: !failed, durationMs: Date.now() - started };
}
