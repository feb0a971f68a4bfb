import { z } from 'zod';
import type { PayloadFormat } from '../codecs/payload-format';
import { bytes, connectionId, qos } from './common';
import { publishProperties, userProperties } from './mqtt5';

/**
 * Saved messages ("collections", issue 17): kept as the user wrote them (topic and payload are
 * templates with `{{variables}}`, the payload as text in its publish format), expanded and encoded
 * only when sent or previewed. A collection is shared (no profileId) or belongs to one saved profile.
 */

/**
 * The publish formats, written out here: importing payload-format would bring its CBOR and
 * MessagePack libraries into everything that loads the contract (the sandboxed preload too).
 */
const SAVED_FORMATS = ['text', 'json', 'hex', 'base64', 'cbor', 'msgpack'] as const satisfies readonly PayloadFormat[];
/** Fails to compile when payload-format gains a format this list lacks. */
export type SavedFormatsComplete = [Exclude<PayloadFormat, (typeof SAVED_FORMATS)[number]>] extends [never] ? true : never;
const formatsComplete: SavedFormatsComplete = true;
void formatsComplete;

/** Ids the core makes (UUIDs) or an import brings; kept short and plain. */
const itemId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/, 'An id is letters, digits, _ and -');
const itemName = z.string().trim().min(1, 'A name is required').max(200, 'A name is at most 200 characters');
const profileId = z.string().min(1).max(64);
/** A template, so not checked as a topic name until expanded. */
const templateText = z.string().max(65535);
/** What one saved payload may hold as text (a 1 MB editor text is already unwieldy). */
export const SAVED_PAYLOAD_MAX_CHARS = 1024 * 1024;
export const SAVED_MESSAGES_MAX = 5000;
export const SEQUENCE_MAX_STEPS = 1000;
/** A day: a longer pause is a schedule, not a sequence. */
export const SEQUENCE_MAX_DELAY_MS = 86_400_000;

/** MQTT 5 PUBLISH properties as written: the text ones may hold variables (expanded when sent). */
export const savedProperties = z
  .object({
    payloadFormatIndicator: z.boolean().optional(),
    messageExpiryInterval: z.number().int().min(0).max(0xffffffff).optional(),
    contentType: templateText.optional(),
    responseTopic: templateText.optional(),
    /** Correlation data as written: hex digits (as the publish panel takes it) or UTF-8 text. */
    correlationData: templateText.optional(),
    correlationDataFormat: z.enum(['hex', 'text']).optional(),
    userProperties: userProperties.optional(),
    topicAlias: z.number().int().min(1).max(0xffff).optional(),
  })
  .strict();
export type SavedProperties = z.infer<typeof savedProperties>;

/** What is sent: a message template (shared with the publish panel's expansion). */
export const messageTemplate = z
  .object({
    topic: templateText,
    payload: z.string().max(SAVED_PAYLOAD_MAX_CHARS, `A saved payload is at most ${SAVED_PAYLOAD_MAX_CHARS} characters`),
    format: z.enum(SAVED_FORMATS).default('text'),
    qos: qos.default(0),
    retain: z.boolean().default(false),
    properties: savedProperties.optional(),
    /** Expand `{{…}}` in the topic, payload and properties (off: sent exactly as written). */
    variables: z.boolean().default(true),
  })
  .strict();
export type MessageTemplate = z.infer<typeof messageTemplate>;

export const savedMessage = messageTemplate.extend({
  id: itemId,
  name: itemName,
  /** The folder it is in; absent at the collection's top level. */
  folderId: itemId.optional(),
});
export type SavedMessage = z.infer<typeof savedMessage>;

export const collectionFolder = z.object({ id: itemId, name: itemName }).strict();
export type CollectionFolder = z.infer<typeof collectionFolder>;

export const collection = z
  .object({
    id: itemId,
    name: itemName,
    /** The saved profile it belongs to; absent for a shared collection. */
    profileId: profileId.optional(),
    folders: z.array(collectionFolder).max(500).default([]),
    /** In the user's order. */
    messages: z.array(savedMessage).max(SAVED_MESSAGES_MAX).default([]),
  })
  .strict();
export type Collection = z.infer<typeof collection>;

/** A variable name as `{{name}}` takes it (not a built-in one: checked where it is saved). */
const variableName = z.string().regex(/^[A-Za-z_][\w.-]*$/, 'A variable name is letters, digits, _ . - (not starting with a digit)');
export const variableSet = z.record(variableName, z.string().max(65535));
export type VariableSet = z.infer<typeof variableSet>;

/** A named set of variables (`site=berlin`), chosen per profile. */
export const environment = z.object({ id: itemId, name: itemName, variables: variableSet }).strict();
export type Environment = z.infer<typeof environment>;

/** Everything collections.json holds, as the UI gets it. */
export const collectionsState = z.object({
  collections: z.array(collection),
  environments: z.array(environment),
  /** The user's own variables, for every connection (an environment's value wins). */
  variables: variableSet,
  /** The environment each saved profile uses, by profile id. */
  profileEnvironments: z.record(profileId, itemId),
});
export type CollectionsState = z.infer<typeof collectionsState>;

/** The file `collections.export` writes and `collections.import` reads. */
export const COLLECTION_FILE_KIND = 'mqtt-workbench.collection';
export const collectionFile = z
  .object({
    kind: z.literal(COLLECTION_FILE_KIND),
    version: z.literal(1),
    collection: z
      .object({
        name: itemName,
        folders: z.array(collectionFolder).max(500).default([]),
        messages: z.array(savedMessage).max(SAVED_MESSAGES_MAX),
      })
      .strict(),
  })
  .strict();
export type CollectionFile = z.infer<typeof collectionFile>;

/** A message ready to publish (the expansion of a template): payload bytes as messages.publish takes them. */
export const expandedMessage = z.object({ topic: z.string(), payload: bytes, qos, retain: z.boolean(), properties: publishProperties.optional() });
export type ExpandedMessage = z.infer<typeof expandedMessage>;

export const sequenceStatus = z.object({
  sequenceId: z.string(),
  connectionId,
  collectionId: z.string(),
  total: z.number().int(),
  sent: z.number().int(),
  /** When each step went out, by the core's clock (ms since the epoch), in order. */
  sentAt: z.array(z.number()),
  done: z.boolean(),
  stopped: z.boolean(),
  error: z.string().optional(),
});
export type SequenceStatus = z.infer<typeof sequenceStatus>;

const state = collectionsState;
const collectionRef = { collectionId: itemId };
/** Extra variables for this send (the publish panel's own list); they win over the environment's. */
const extraVariables = { variables: variableSet.optional() };

export const collectionsContract = {
  requests: {
    list: { input: z.object({}).strict(), output: state },
    /** Creates (no id) or renames a collection; the scope is fixed at creation. */
    saveCollection: {
      input: z.object({ id: itemId.optional(), name: itemName, profileId: profileId.optional() }).strict(),
      output: z.object({ state, collectionId: z.string() }),
    },
    deleteCollection: { input: z.object(collectionRef).strict(), output: state },
    /** Creates (no folderId) or renames a folder. */
    saveFolder: {
      input: z.object({ ...collectionRef, folderId: itemId.optional(), name: itemName }).strict(),
      output: z.object({ state, folderId: z.string() }),
    },
    /** Deletes a folder; its messages move to the collection's top level (nothing is lost). */
    deleteFolder: { input: z.object({ ...collectionRef, folderId: itemId }).strict(), output: state },
    /** Adds (no id: a new one at the end) or replaces a saved message. */
    saveMessage: {
      input: z.object({ ...collectionRef, message: savedMessage.extend({ id: itemId.optional() }) }).strict(),
      output: z.object({ state, messageId: z.string() }),
    },
    renameMessage: { input: z.object({ ...collectionRef, messageId: itemId, name: itemName }).strict(), output: state },
    /** A copy right after the original, named "… (copy)". */
    duplicateMessage: { input: z.object({ ...collectionRef, messageId: itemId }).strict(), output: z.object({ state, messageId: z.string() }) },
    deleteMessages: { input: z.object({ ...collectionRef, messageIds: z.array(itemId).min(1).max(SAVED_MESSAGES_MAX) }).strict(), output: state },
    /** Moves a message to position `index` of the collection's order, and into a folder (or the top level). */
    moveMessage: {
      input: z.object({ ...collectionRef, messageId: itemId, index: z.number().int().min(0), folderId: itemId.nullable().optional() }).strict(),
      output: state,
    },
    /** The collection as a collection file's JSON text (the page saves it). */
    export: { input: z.object(collectionRef).strict(), output: z.object({ json: z.string(), fileName: z.string() }) },
    /**
     * Reads a collection file into a new collection (never over an existing one); a broken file
     * fails with IMPORT_INVALID naming each problem, and nothing changes.
     */
    import: {
      input: z.object({ text: z.string().max(64 * 1024 * 1024), profileId: profileId.optional() }).strict(),
      output: z.object({ state, collectionId: z.string() }),
    },
    /** Creates (no id) or replaces an environment set. */
    saveEnvironment: { input: z.object({ id: itemId.optional(), name: itemName, variables: variableSet }).strict(), output: z.object({ state, environmentId: z.string() }) },
    deleteEnvironment: { input: z.object({ environmentId: itemId }).strict(), output: state },
    /** The environment a saved profile uses (null: none). */
    chooseEnvironment: { input: z.object({ profileId, environmentId: itemId.nullable() }).strict(), output: state },
    setVariables: { input: z.object({ variables: variableSet }).strict(), output: state },
    /** A saved message expanded as it would be sent now on this connection (or with this profile's environment). */
    preview: {
      input: z.object({ ...collectionRef, messageId: itemId, connectionId: connectionId.optional(), profileId: profileId.optional(), ...extraVariables }).strict(),
      output: expandedMessage,
    },
    /** Sends saved messages now, in the order given; one that cannot be sent is reported and the rest still go. */
    send: {
      input: z.object({ connectionId, ...collectionRef, messageIds: z.array(itemId).min(1).max(SAVED_MESSAGES_MAX), ...extraVariables }).strict(),
      output: z.object({ sent: z.number().int(), failed: z.array(z.object({ messageId: z.string(), error: z.string() })) }),
    },
    /**
     * Sends saved messages one after another, each after its own delay (counted from the step
     * before); progress comes as collections.sequenceStatus; stops at the first failure or on request.
     */
    startSequence: {
      input: z
        .object({
          connectionId,
          ...collectionRef,
          steps: z
            .array(z.object({ messageId: itemId, delayMs: z.number().int().min(0).max(SEQUENCE_MAX_DELAY_MS).default(0) }).strict())
            .min(1)
            .max(SEQUENCE_MAX_STEPS),
          ...extraVariables,
        })
        .strict(),
      output: z.object({ sequenceId: z.string() }),
    },
    stopSequence: { input: z.object({ sequenceId: z.string().min(1).max(64) }).strict(), output: sequenceStatus },
  },
  events: {
    /** After each step of a sequence, and once when it ends. */
    sequenceStatus: { payload: sequenceStatus },
    /** The saved collections changed (another window, an import): the new state. */
    changed: { payload: state },
  },
} as const;
