import { z } from 'zod';
import { bytes, connectionId } from './common';
import { codecId, codecProblem, codecSchema, codecSettings, decodedPayload } from './codec-rules';

/**
 * The `codecs` domain (issue 16): the global default rules, schema checks, and decoding/encoding a
 * payload with the rules that apply to a connection or a profile. A profile's own rules travel with
 * the profile (profiles.save `codecs`, profile.codecs); the effective list for a connection is the
 * profile's rules, then the global ones.
 */

/** Whose rules apply: a live connection's (its profile's, then global), a saved profile's, or global only. */
const ruleScope = {
  connectionId: connectionId.optional(),
  profileId: z.string().min(1).max(64).optional(),
};

export const codecsContract = {
  requests: {
    getGlobal: { input: z.object({}).strict(), output: codecSettings },
    /** Replaces the global default; every rule's schema must compile (CODEC_SCHEMA_INVALID otherwise, naming file/line/column). */
    setGlobal: { input: codecSettings, output: codecSettings },
    /** Compiles a schema without saving it: the message types a rule may pick (protobuf), or where it is wrong. */
    checkSchema: {
      input: z.object({ schema: codecSchema }).strict(),
      output: z.object({ messageTypes: z.array(z.string()), problems: z.array(codecProblem) }),
    },
    /**
     * Decodes one payload with the first rule that matches (or the rule named by `ruleId`): the
     * whole decoded text, pretty printed, for the detail view. `decoded` is null when no rule applies.
     * Live messages may be named by their id instead of sending the payload back.
     */
    decode: {
      input: z
        .object({
          ...ruleScope,
          topic: z.string(),
          payload: bytes.optional(),
          /**
           * A live message's id on `connectionId`: the host decodes the whole payload it holds for
           * it (payloads over the preview size), else `payload`, which the page sends when its copy is
           * whole; neither: NOT_FOUND or PAYLOAD_EVICTED. Answers are cached per (connection, id, rule).
           */
          messageId: z.number().int().nonnegative().optional(),
          contentType: z.string().max(1000).optional(),
          ruleId: codecId.optional(),
        })
        .strict(),
      output: z.object({ decoded: decodedPayload.nullable() }),
    },
    /** JSON (or text) in, the bytes a rule's format makes of it out (Protobuf, Avro, CBOR, a layout, compressed): for publishing. */
    encode: {
      input: z
        .object({
          ...ruleScope,
          ruleId: codecId,
          text: z.string().max(16 * 1024 * 1024),
          /** The topic the payload is for: a script rule's encode(value, message) sees it as message.topic. */
          topic: z.string().max(65535).optional(),
        })
        .strict(),
      output: z.union([z.object({ ok: z.literal(true), payload: bytes }), z.object({ ok: z.literal(false), problem: codecProblem })]),
    },
  },
  events: {
    /**
     * A rule that fails (or is too slow) is reported once, then its counts at most once a second,
     * never once per message.
     */
    ruleProblem: {
      payload: z.object({
        ruleId: z.string(),
        ruleName: z.string(),
        profileId: z.string().optional(),
        failures: z.number().int(),
        /** Messages not decoded live because decoding fell behind (decoded on demand instead). */
        skipped: z.number().int(),
        lastProblem: codecProblem,
      }),
    },
  },
} as const;
