import { z } from 'zod';
import { bytes, empty, qos, topicFilter } from './common';
import { receivedProperties } from './mqtt5';

/**
 * The `automation` domain (issue 17): responders (scripts that answer messages matching a filter on
 * a connection, e.g. a fake device's request/response) and running any script once in the test pane.
 * Scripts run in the QuickJS sandbox of main/core/scripts/, never in the host's own context.
 */

/** The longest script source the app keeps or runs. */
export const MAX_SCRIPT_CHARS = 256 * 1024;
/** Responders one data folder keeps. */
export const MAX_RESPONDERS = 200;

export const responderId = z.string().min(1).max(64);

/**
 * A responder as saved in `<dataDir>/automation.json`. `connectionKey` names the connection across
 * runs, as history does: `profile:<id>` for a saved profile, `endpoint:<hash>` for one typed in. It
 * starts whenever a connection with that key is open (connected now, or connecting later).
 */
export const responder = z
  .object({
    id: responderId,
    name: z.string().trim().min(1, 'A responder needs a name').max(200),
    connectionKey: z.string().min(1, 'Choose a connection').max(200),
    filter: topicFilter,
    enabled: z.boolean().default(true),
    /** Defines `respond(message)`: returns a reply, an array of replies, or nothing. */
    script: z.string().max(MAX_SCRIPT_CHARS),
    /**
     * Where a reply without a topic goes when the request has no Response Topic: a template
     * (`{{topic}}` the request's topic, plus the message variables `{{uuid}}`, `{{now}}`...).
     */
    replyTopic: z.string().max(65535).optional(),
  })
  .strict();
export type Responder = z.infer<typeof responder>;

/** What saving takes: a new responder has no id yet. */
export const responderDraft = responder.extend({ id: responderId.optional() }).strict();
export type ResponderDraft = z.input<typeof responderDraft>;

export const automationSettings = z.object({ responders: z.array(responder).max(MAX_RESPONDERS) });
export type AutomationSettings = z.infer<typeof automationSettings>;

/** Why a script did not answer (main/core/scripts/script-sandbox.ts ScriptFailure), or a reply that could not be sent. */
export const scriptFailure = z.object({
  kind: z.enum(['syntax', 'thrown', 'timeout', 'memory', 'stack', 'output', 'missing', 'stopped', 'unavailable', 'input', 'reply']),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type ScriptFailureShape = z.infer<typeof scriptFailure>;

export const responderCounters = z.object({
  /** Messages the script was called with. */
  handled: z.number().int(),
  /** Replies published. */
  replied: z.number().int(),
  /** Calls that failed and replies that could not be sent. */
  failed: z.number().int(),
  /** Messages not handled because the responder's queue was full (it fell behind). */
  dropped: z.number().int(),
});
export type ResponderCounters = z.infer<typeof responderCounters>;

export const responderStatus = z.object({
  responder,
  counters: responderCounters,
  /** Open connections it runs on now. */
  activeOn: z.array(z.string()),
  lastProblem: scriptFailure.optional(),
});
export type ResponderStatus = z.infer<typeof responderStatus>;

export const SCRIPT_TEST_FUNCTIONS = ['decode', 'encode', 'respond'] as const;

/** Sample input for the test pane: text as is, JSON (parsed), or hex bytes. */
export const scriptSampleInput = z.object({
  kind: z.enum(['text', 'json', 'hex']),
  text: z.string().max(4 * 1024 * 1024),
});

/** The message a script is run against (the selected one, or the sample's topic and properties). */
export const scriptTestMessage = z
  .object({
    topic: z.string().max(65535),
    qos: qos.optional(),
    retain: z.boolean().optional(),
    properties: receivedProperties.optional(),
  })
  .strict();

/** One reply of a responder, as the test pane shows it (payload as text when it is UTF-8, else hex). */
export const responderReplyView = z.object({
  topic: z.string(),
  payloadText: z.string().optional(),
  payloadHex: z.string().optional(),
  qos,
  retain: z.boolean(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const scriptRunOutput = z.union([
  z.object({
    ok: z.literal(true),
    /** decode: JSON or text; encode: the bytes (hex) and their text; respond: the replies. */
    output: z.union([
      z.object({ kind: z.literal('json'), value: z.unknown() }),
      z.object({ kind: z.literal('text'), text: z.string() }),
      z.object({ kind: z.literal('bytes'), hex: z.string(), text: z.string().optional() }),
      z.object({ kind: z.literal('replies'), replies: z.array(responderReplyView) }),
    ]),
    logs: z.array(z.string()),
    elapsedMs: z.number(),
  }),
  z.object({ ok: z.literal(false), failure: scriptFailure, logs: z.array(z.string()), elapsedMs: z.number() }),
]);
export type ScriptRunOutput = z.infer<typeof scriptRunOutput>;

export const automationContract = {
  requests: {
    /** Every responder with its live counters. */
    listResponders: { input: z.object({}).strict(), output: z.object({ responders: z.array(responderStatus) }) },
    /** Creates (no id) or replaces a responder; its script must compile (SCRIPT_INVALID otherwise, with the line). */
    saveResponder: { input: responderDraft, output: responderStatus },
    removeResponder: { input: z.object({ id: responderId }).strict(), output: empty },
    setResponderEnabled: { input: z.object({ id: responderId, enabled: z.boolean() }).strict(), output: responderStatus },
    /** Counters and the last problem back to zero (the script is compiled again). */
    resetResponder: { input: z.object({ id: responderId }).strict(), output: responderStatus },
    /**
     * Runs one function of a script once, in the same sandbox and limits as live use: decode on the
     * sample's bytes, encode on its value, respond on a message made of the sample. Nothing is published.
     */
    runScript: {
      input: z
        .object({
          source: z.string().max(MAX_SCRIPT_CHARS),
          function: z.enum(SCRIPT_TEST_FUNCTIONS),
          input: scriptSampleInput,
          message: scriptTestMessage.optional(),
          /** The selected message's payload, used instead of the sample's text. */
          payload: bytes.optional(),
        })
        .strict(),
      output: scriptRunOutput,
    },
  },
  events: {
    /** A responder's first failure (compiling, a call, a reply), once; later ones are only counted. */
    responderProblem: {
      payload: z.object({ responderId: z.string(), name: z.string(), failures: z.number().int(), problem: scriptFailure }),
    },
    /** The counters of responders that changed, at most once a second. */
    responderCounters: {
      payload: z.object({ counters: z.array(z.object({ responderId: z.string(), counters: responderCounters, activeOn: z.array(z.string()) })) }),
    },
  },
} as const;
