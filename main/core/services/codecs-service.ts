import { join } from 'node:path';
import { type CodecSettings, type DecodedPayload, WorkbenchFailure, profileIdOfKey } from '../../../shared/contract';
import { problemOf } from '../../../shared/codecs/codec-error';
import { CODEC_MODULES, type CodecModules, type CompiledProtobuf } from '../codecs/codec-modules';
import type { CodecScopes } from '../codecs/codec-scopes';
import { loadCodecSettingsFile, saveCodecSettingsFile } from '../codecs/codec-settings-file';
import { type CodecEngine, codecSettingsProblems, compileCodecRules, compileSchema, releaseCompiled } from '../codecs/compile-rules';
import { type LiveDecoder, type LiveDecoderOptions, createLiveDecoder } from '../codecs/live-decoder';
import type { EventHub } from '../rpc/event-hub';
import { loadQuickJs } from '../scripts/quickjs-loader';
import type { ChannelsOf, Service } from './service';

/** Characters of decoded text one codecs.decode answers with (the detail view): a 16 MB payload's JSON is not sent whole. */
export const DETAIL_DECODED_MAX_CHARS = 4 * 1024 * 1024;
/** Live messages decoded on demand, remembered per (connection, message, rule). */
const DECODED_CACHE_ENTRIES = 64;

export interface CodecsServiceOptions {
  /** Where codecs.json (the global rules) lives; without it they live in memory for this run. */
  dataDir: string | undefined;
  /** A saved profile's codec settings; undefined when there is no such profile. */
  profileCodecs(profileId: string): CodecSettings | undefined;
  /** Every saved profile's codec settings, by profile id (History's text search reads them all). */
  allProfileCodecs(): Record<string, CodecSettings>;
  /** An open connection's key (`profile:<id>` for a saved profile); undefined when there is none. */
  connectionKeyOf(connectionId: string): string | undefined;
  /** A live message's whole payload, when the host holds it (messages.payload's store). */
  livePayload(connectionId: string, id: number): Uint8Array | undefined;
  /** The same, failing with NOT_FOUND or PAYLOAD_EVICTED when it is not held. */
  fullLivePayload(connectionId: string, id: number): Uint8Array;
  modules?: CodecModules;
  /** Where codecs.ruleProblem goes. */
  events: EventHub;
  /** The live decoder's clocks and budget (tests move the clocks instead of waiting). */
  live?: Pick<LiveDecoderOptions, 'now' | 'elapsed' | 'budgetMs' | 'windowMs'>;
}

export interface CodecsService extends Service<ChannelsOf<'codecs'>> {
  /** The rules for a saved profile (its own, then the global ones), or the global ones alone; compiled again only after a change. */
  engineFor(profileId: string | undefined): CodecEngine;
  /** The rules a connection's messages are read with (an ad-hoc connection: the global ones). */
  engineForConnection(connectionId: string): CodecEngine;
  /** Throws CODEC_SCHEMA_INVALID, naming every problem, when these settings of a profile cannot be saved. */
  checkProfileCodecs(settings: CodecSettings): void;
  /** Problems of a profile's settings, one line each (imports keep the profile and drop its rules). */
  profileCodecsProblems(settings: CodecSettings): string[];
  /** A profile's codec settings changed (saved, imported, deleted): its rules are compiled again when next used. */
  profileChanged(profileId: string): void;
  /** Live messages decoded with their connection's rules, within a time budget (messages-service). */
  live: LiveDecoder;
  /** Every rule set as plain data for History's reader (undefined: there are no rules at all). */
  scopes(): CodecScopes | undefined;
}

/** Settings with a script schema need the script sandbox loaded before they are checked. */
async function scriptsReady(settings: { schemas: { kind: string }[] }): Promise<void> {
  if (settings.schemas.some((schema) => schema.kind === 'javascript')) await loadQuickJs();
}

function refuse(problems: string[]): never {
  throw new WorkbenchFailure('CODEC_SCHEMA_INVALID', problems.join('; '), { detail: problems.join('; ') });
}

/**
 * The codecs domain: the global default rules (kept in the data folder), schema checks, and
 * decoding and encoding with the rules that apply to a connection or a profile. Engines are
 * cached per profile and dropped when their settings change, so a change applies from the next
 * message on and an unchanged set costs a map lookup.
 */
export function createCodecsService(options: CodecsServiceOptions): CodecsService {
  const modules = options.modules ?? CODEC_MODULES;
  const path = options.dataDir ? join(options.dataDir, 'codecs.json') : undefined;
  let global: CodecSettings = path ? loadCodecSettingsFile(path) : { rules: [], schemas: [] };
  /** Keyed by profile id; '' for the global rules alone. */
  const engines = new Map<string, { engine: CodecEngine; generation: number }>();
  let generation = 0;
  /** Connection ids are never reused within a run: a closed connection's messages still find their profile's rules. */
  const profileOfConnection = new Map<string, string | undefined>();
  const decodedCache = new Map<string, DecodedPayload>();
  /** Bumped by every change of any rule set: History's reader compiles again only then. */
  let settingsStamp = 1;
  let scopes: { stamp: number; value: CodecScopes | undefined } | undefined;

  function entryFor(profileId: string | undefined) {
    const key = profileId ?? '';
    let entry = engines.get(key);
    if (!entry) {
      const profile = profileId === undefined ? undefined : options.profileCodecs(profileId);
      entry = { engine: compileCodecRules({ profile, global, modules }), generation: ++generation };
      engines.set(key, entry);
    }
    return entry;
  }

  function profileOf(connectionId: string): string | undefined {
    if (profileOfConnection.has(connectionId)) return profileOfConnection.get(connectionId);
    const key = options.connectionKeyOf(connectionId);
    if (key === undefined) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`, { reason: 'noConnection', id: connectionId });
    const profileId = profileIdOfKey(key);
    profileOfConnection.set(connectionId, profileId);
    return profileId;
  }

  function scopeEntry(scope: { connectionId?: string | undefined; profileId?: string | undefined }) {
    if (scope.profileId !== undefined) {
      if (!options.profileCodecs(scope.profileId)) throw new WorkbenchFailure('NOT_FOUND', `No profile with id ${scope.profileId}`, { reason: 'noProfile', id: scope.profileId });
      return entryFor(scope.profileId);
    }
    return entryFor(scope.connectionId === undefined ? undefined : profileOf(scope.connectionId));
  }

  function ruleOf(engine: CodecEngine, ruleId: string) {
    const rule = engine.rule(ruleId);
    if (!rule) throw new WorkbenchFailure('NOT_FOUND', `No codec rule with id ${ruleId}`, { reason: 'noCodecRule', id: ruleId });
    return rule;
  }

  const profileCodecsProblems = (settings: CodecSettings) => codecSettingsProblems(settings, { modules, fallback: global });

  // The script sandbox loads (once, asynchronously) while the app starts, before any message needs it.
  void loadQuickJs().catch(() => undefined);

  const live = createLiveDecoder({
    ...options.live,
    engineFor(connectionId) {
      try {
        return entryFor(profileOf(connectionId)).engine;
      } catch {
        // A message of a connection already gone: nothing to decode it with.
        return undefined;
      }
    },
    profileOf: (connectionId) => profileOfConnection.get(connectionId),
    emit: (problem) => options.events.emit('codecs.ruleProblem', problem),
  });

  return {
    live,
    engineFor: (profileId) => entryFor(profileId).engine,
    engineForConnection: (connectionId) => entryFor(profileOf(connectionId)).engine,
    profileCodecsProblems,
    checkProfileCodecs(settings) {
      const problems = profileCodecsProblems(settings);
      if (problems.length > 0) refuse(problems);
    },
    profileChanged(profileId) {
      engines.delete(profileId);
      settingsStamp++;
    },
    scopes() {
      if (scopes?.stamp !== settingsStamp) {
        const profiles = Object.fromEntries(Object.entries(options.allProfileCodecs()).filter(([, settings]) => settings.rules.length > 0));
        const hasRules = global.rules.length > 0 || Object.keys(profiles).length > 0;
        scopes = { stamp: settingsStamp, value: hasRules ? { stamp: settingsStamp, global, profiles } : undefined };
      }
      return scopes.value;
    },
    handlers: {
      'codecs.getGlobal': () => global,
      'codecs.setGlobal': async (settings) => {
        await scriptsReady(settings);
        const problems = codecSettingsProblems(settings, { modules });
        if (problems.length > 0) refuse(problems);
        if (path) saveCodecSettingsFile(path, settings);
        global = settings;
        // Every profile's engine holds the global rules too.
        engines.clear();
        decodedCache.clear();
        settingsStamp++;
        return global;
      },
      'codecs.checkSchema': async ({ schema }) => {
        await scriptsReady({ schemas: [schema] });
        try {
          const compiled = compileSchema(schema, modules);
          releaseCompiled(schema, compiled);
          return { messageTypes: schema.kind === 'protobuf' ? (compiled as CompiledProtobuf).messageTypes : [], problems: [] };
        } catch (error) {
          return { messageTypes: [], problems: [problemOf(error)] };
        }
      },
      'codecs.decode': (input) => {
        if (input.messageId === undefined && input.payload === undefined) throw new WorkbenchFailure('INVALID_REQUEST', 'codecs.decode needs a payload or a live message id', { reason: 'decodeNeedsPayload' });
        if (input.messageId !== undefined && input.connectionId === undefined) throw new WorkbenchFailure('INVALID_REQUEST', 'A live message id needs its connectionId', { reason: 'decodeNeedsConnection' });
        const { engine, generation: engineGeneration } = scopeEntry(input);
        const rule = input.ruleId !== undefined ? ruleOf(engine, input.ruleId) : engine.match(input.topic, input.contentType);
        if (!rule) return { decoded: null };
        const message = { topic: input.topic, ...(input.contentType !== undefined ? { properties: { contentType: input.contentType } } : {}) };
        const decode = (bytes: Uint8Array) => engine.decode(rule, bytes, { contentType: input.contentType, pretty: true, maxChars: DETAIL_DECODED_MAX_CHARS, message });
        if (input.messageId === undefined) return { decoded: decode(input.payload!) };
        const key = `${engineGeneration}\u0000${input.connectionId}\u0000${input.messageId}\u0000${rule.scope}:${rule.rule.id}\u0000${input.contentType ?? ''}`;
        const cached = decodedCache.get(key);
        if (cached) {
          // Most recently used last: eviction takes from the front.
          decodedCache.delete(key);
          decodedCache.set(key, cached);
          return { decoded: cached };
        }
        // The host's whole payload when it holds one; else the page's copy (a payload under the preview size is whole there).
        const held = options.livePayload(input.connectionId!, input.messageId);
        const bytes = held ?? input.payload ?? options.fullLivePayload(input.connectionId!, input.messageId);
        const decoded = decode(bytes);
        if (decodedCache.size >= DECODED_CACHE_ENTRIES) decodedCache.delete(decodedCache.keys().next().value!);
        decodedCache.set(key, decoded);
        return { decoded };
      },
      'codecs.encode': (input) => {
        const { engine } = scopeEntry(input);
        return engine.encode(ruleOf(engine, input.ruleId), input.text, input.topic !== undefined ? { topic: input.topic } : undefined);
      },
    },
    // Every change is written at once: nothing is pending.
    close: async () => live.dispose(),
  };
}
