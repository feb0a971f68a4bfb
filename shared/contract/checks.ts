import { z } from 'zod';
import { connectionOptions } from './connections';

/** A CONNACK property as reported: the value, and whether the broker sent it or the spec's default applies. */
const limit = z.object({ value: z.union([z.number(), z.boolean(), z.string(), z.null()]), from: z.enum(['connack', 'default']) });
const probe = z.object({ ok: z.boolean(), detail: z.string() });
const lengthProbe = probe.extend({ largestAccepted: z.number().nullable(), smallestRefused: z.number().nullable() });
const versionSupport = z.object({ supported: z.boolean(), error: z.string().optional() });

/** What the broker check found (main/core/checks/broker-check.ts): from CONNACK and by trying. */
export const brokerReport = z.object({
  broker: z.string(),
  versions: z.object({ '5.0': versionSupport, '3.1.1': versionSupport, '3.1': versionSupport }),
  /** MQTT 5 CONNACK properties (absent when the broker does not speak MQTT 5). */
  connack: z.record(z.string(), limit).optional(),
  probes: z.object({
    version: z.string(),
    qos2: probe.extend({ grantedQos: z.number().optional(), deliveredQos: z.number().optional() }).optional(),
    retained: probe.optional(),
    wildcard: probe.optional(),
    shared: probe.optional(),
    sys: probe.extend({ present: z.boolean() }).optional(),
    maximumPacketSize: lengthProbe.extend({ bound: z.number() }).optional(),
    /** Lengths tried (bytes), the largest accepted and the first refused. */
    clientIdLength: lengthProbe.optional(),
    topicLength: lengthProbe.optional(),
  }),
});
export type BrokerReport = z.infer<typeof brokerReport>;

export const checkStepResult = z.object({
  index: z.number(),
  title: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  durationMs: z.number(),
  message: z.string().optional(),
});
export const checkResult = z.object({ name: z.string(), file: z.string(), steps: z.array(checkStepResult), passed: z.boolean(), durationMs: z.number() });
export type CheckResultView = z.infer<typeof checkResult>;

/** What to check: a saved profile (its secrets stay in the core) or options typed in. */
const checkTarget = z.union([z.object({ profileId: z.string().min(1) }).strict(), z.object({ options: connectionOptions }).strict()]);

/** Check files are small text; 1 MB is far more than any hand-written list of steps. */
export const CHECK_FILE_MAX_CHARS = 1024 * 1024;

export const checksContract = {
  requests: {
    /**
     * Reports what a broker supports and its limits (as `mqtt-workbench check broker`): MQTT
     * versions, the MQTT 5 CONNACK, then QoS 2, retained, wildcard, shared, $SYS, client id and
     * topic lengths and the largest PUBLISH taken (bisection up to `maxPacketProbe`; 0: not tried).
     */
    brokerCheck: {
      input: z
        .object({
          target: checkTarget,
          maxPacketProbe: z
            .number()
            .int()
            .min(0)
            .max(268_435_455)
            .refine((n) => n === 0 || n >= 1024, 'The packet size probe is 0 (off) or at least 1024 bytes')
            .default(262_144),
          waitMs: z.number().int().min(10).max(60_000).default(2000),
        })
        .strict(),
      output: brokerReport,
    },
    /**
     * Runs a scripted check file (YAML or JSON; see `mqtt-workbench test --help`) and returns its
     * results with the same JUnit XML and TAP the command line writes. A connect step's
     * `profile: NAME` is a saved profile with its stored secrets.
     */
    runFile: {
      input: z
        .object({
          text: z.string().min(1, 'The check file is empty').max(CHECK_FILE_MAX_CHARS, 'A check file is limited to 1 MB'),
          fileName: z.string().min(1).max(255).default('checks.yaml'),
        })
        .strict(),
      output: z.object({ result: checkResult, junit: z.string(), tap: z.string(), readable: z.string() }),
    },
  },
  events: {},
} as const;
