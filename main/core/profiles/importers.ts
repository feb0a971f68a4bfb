import { type ConnectionOptionsInput, IMPORT_FORMAT_NAMES, type ImportFormat, type ImportFormatChoice, PROFILE_EXPORT_FORMAT, type UserProperties, WorkbenchFailure } from '../../../shared/contract';
import { decodeBase64 } from '../../../shared/codecs/base64';
import { encodeUtf8 } from '../../../shared/codecs/utf8';
import { decodeStored } from './stored-options';

/** One profile read from a file, not yet validated. */
export interface ParsedCandidate {
  name: string;
  folder?: string;
  color?: string;
  options: ConnectionOptionsInput;
  /** Saved subscriptions as the file has them, mapped to ours; validated on import. */
  subscriptions?: unknown[];
  connectOnLaunch?: boolean;
  /** Codec rules and schemas (our own format only); validated on import. */
  codecs?: unknown;
  notes: string[];
}

export interface ParsedImport {
  candidates: ParsedCandidate[];
  skipped: { name: string; reason: string }[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

function userPropertyList(value: unknown): UserProperties | undefined {
  if (!isObject(value)) return undefined;
  const list: UserProperties = [];
  for (const [key, v] of Object.entries(value)) for (const item of Array.isArray(v) ? v : [v]) list.push({ key, value: String(item) });
  return list.length > 0 ? list : undefined;
}

function parseJson(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new Error(`The file is not valid JSON: ${(error as Error).message}`);
  }
}

/** Our own export (see profile-store exportJson). */
function fromWorkbench(content: string): ParsedImport {
  const file = decodeStored(content, { strict: true }) as Json;
  if (!isObject(file) || file.format !== PROFILE_EXPORT_FORMAT || !Array.isArray(file.profiles)) {
    throw new Error(`Not an MQTT Workbench profiles file (expected "format": "${PROFILE_EXPORT_FORMAT}")`);
  }
  if (typeof file.version !== 'number' || file.version > 1) throw new Error(`Profiles file version ${String(file.version)} is newer than this app understands`);
  const candidates: ParsedCandidate[] = [];
  const skipped: ParsedImport['skipped'] = [];
  for (const entry of file.profiles) {
    if (!isObject(entry) || !isObject(entry.options)) {
      skipped.push({ name: String((entry as Json)?.name ?? '?'), reason: 'Entry has no options' });
      continue;
    }
    candidates.push({
      name: str(entry.name) ?? 'Imported',
      folder: str(entry.folder),
      color: str(entry.color),
      options: entry.options as ConnectionOptionsInput,
      subscriptions: Array.isArray(entry.subscriptions) ? entry.subscriptions : [],
      connectOnLaunch: bool(entry.connectOnLaunch) ?? false,
      ...(entry.codecs !== undefined ? { codecs: entry.codecs } : {}),
      notes: [],
    });
  }
  return { candidates, skipped };
}

/** MQTTX "export data" JSON: an array of connections (older and newer field layouts). */
function fromMqttx(content: string): ParsedImport {
  const data = parseJson(content);
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.connections) ? data.connections : null;
  if (!list) throw new Error('Not an MQTTX export: expected an array of connections');
  const candidates: ParsedCandidate[] = [];
  const skipped: ParsedImport['skipped'] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const name = str(entry.name) ?? str(entry.host) ?? 'MQTTX connection';
    const host = str(entry.host);
    if (!host) {
      skipped.push({ name, reason: 'No host' });
      continue;
    }
    const notes: string[] = [];
    const ssl = bool(entry.ssl) ?? false;
    let protocol = str(entry.protocol) ?? 'mqtt';
    if (ssl && protocol === 'mqtt') protocol = 'mqtts';
    if (ssl && protocol === 'ws') protocol = 'wss';
    const version = str(entry.mqttVersion) ?? '5.0';
    const props = isObject(entry.properties) ? entry.properties : entry;
    const options: ConnectionOptionsInput = {
      protocol: protocol as ConnectionOptionsInput['protocol'],
      host: host.replace(/^[a-z]+:\/\//i, ''),
      port: num(entry.port) ?? 1883,
      clientId: str(entry.clientId) ?? '',
      clean: bool(entry.clean) ?? true,
      keepaliveSeconds: num(entry.keepalive) ?? 60,
      // MQTTX stores the connect timeout in seconds.
      connectTimeoutMs: Math.round((num(entry.connectTimeout) ?? 10) * 1000),
      protocolVersion: version === '3.1' ? 3 : version === '3.1.1' ? 4 : 5,
      reconnect: { enabled: bool(entry.reconnect) ?? true },
    };
    if (str(entry.path)) options.path = str(entry.path)!.startsWith('/') ? str(entry.path) : `/${str(entry.path)}`;
    if (str(entry.username)) options.username = str(entry.username);
    if (str(entry.password)) options.password = str(entry.password);
    const properties: NonNullable<ConnectionOptionsInput['properties']> = {};
    for (const key of ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum'] as const) {
      const value = num(props[key]);
      if (value !== undefined) properties[key] = value;
    }
    for (const key of ['requestResponseInformation', 'requestProblemInformation'] as const) {
      const value = bool(props[key]);
      if (value !== undefined) properties[key] = value;
    }
    const userProperties = userPropertyList(props.userProperties);
    if (userProperties) properties.userProperties = userProperties;
    if (Object.keys(properties).length > 0 && options.protocolVersion === 5) options.properties = properties;
    if (str(props.authenticationMethod)) notes.push('Enhanced authentication settings were not imported');

    const will = isObject(entry.will) ? entry.will : undefined;
    if (will && str(will.lastWillTopic)) {
      const willProps = isObject(will.properties) ? will.properties : {};
      options.will = {
        topic: str(will.lastWillTopic)!,
        payload: encodeUtf8(typeof will.lastWillPayload === 'string' ? will.lastWillPayload : ''),
        qos: (num(will.lastWillQos) ?? 0) as 0 | 1 | 2,
        retain: bool(will.lastWillRetain) ?? false,
      };
      const p: NonNullable<NonNullable<ConnectionOptionsInput['will']>['properties']> = {};
      if (num(willProps.willDelayInterval) !== undefined) p.willDelayInterval = num(willProps.willDelayInterval);
      if (num(willProps.messageExpiryInterval) !== undefined) p.messageExpiryInterval = num(willProps.messageExpiryInterval);
      if (bool(willProps.payloadFormatIndicator) !== undefined) p.payloadFormatIndicator = bool(willProps.payloadFormatIndicator);
      if (str(willProps.contentType)) p.contentType = str(willProps.contentType);
      if (str(willProps.responseTopic)) p.responseTopic = str(willProps.responseTopic);
      const willUser = userPropertyList(willProps.userProperties);
      if (willUser) p.userProperties = willUser;
      if (Object.keys(p).length > 0 && options.protocolVersion === 5) options.will.properties = p;
    }
    if (ssl || protocol === 'mqtts' || protocol === 'wss') {
      options.tls = { rejectUnauthorized: bool(entry.rejectUnauthorized) ?? true };
      const files = ['ca', 'cert', 'key'].filter((k) => str(entry[k]));
      if (files.length > 0) {
        notes.push(`Certificate files (${files.join(', ')}) are referenced by path in MQTTX and were not imported: add them in the TLS settings`);
      }
      if (entry.certType === 'self' && files.length === 0) notes.push('Self-signed certificate mode without files: add the CA in the TLS settings');
    }
    candidates.push({ name, options, subscriptions: mqttxSubscriptions(entry.subscriptions), notes });
  }
  return { candidates, skipped };
}

/** MQTTX keeps {topic, qos, disabled, nl, rap, rh, subscriptionIdentifier} per connection. */
function mqttxSubscriptions(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((s) => {
    const mapped: Json = { filter: str(s.topic) ?? '', qos: num(s.qos) ?? 0, enabled: !(bool(s.disabled) ?? false) };
    if (bool(s.nl) !== undefined) mapped.noLocal = bool(s.nl);
    if (bool(s.rap) !== undefined) mapped.retainAsPublished = bool(s.rap);
    if (num(s.rh) !== undefined) mapped.retainHandling = num(s.rh);
    if (num(s.subscriptionIdentifier) !== undefined) mapped.subscriptionIdentifier = num(s.subscriptionIdentifier);
    return mapped;
  });
}

/** MQTT Explorer keeps subscriptions as {topic, qos} (older files: plain topic strings). */
function mqttExplorerSubscriptions(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.map((s) => (typeof s === 'string' ? { filter: s, qos: 0 } : isObject(s) ? { filter: str(s.topic) ?? '', qos: num(s.qos) ?? 0 } : { filter: '' }));
}

/** MQTT Explorer's settings file: connections under "ConnectionManager_connections", keyed by id. */
function fromMqttExplorer(content: string): ParsedImport {
  const data = parseJson(content);
  const source = isObject(data) && isObject(data.ConnectionManager_connections) ? data.ConnectionManager_connections : data;
  const list = Array.isArray(source) ? source : isObject(source) ? Object.values(source) : null;
  if (!list) throw new Error('Not an MQTT Explorer settings file: no ConnectionManager_connections');
  const candidates: ParsedCandidate[] = [];
  const skipped: ParsedImport['skipped'] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const name = str(entry.name) ?? str(entry.host) ?? 'MQTT Explorer connection';
    const host = str(entry.host);
    if (!host) {
      skipped.push({ name, reason: 'No host' });
      continue;
    }
    const notes: string[] = [];
    const encrypted = bool(entry.encryption) ?? false;
    const webSocket = entry.protocol === 'ws';
    const options: ConnectionOptionsInput = {
      protocol: webSocket ? (encrypted ? 'wss' : 'ws') : encrypted ? 'mqtts' : 'mqtt',
      host,
      port: num(entry.port) ?? (encrypted ? 8883 : 1883),
      clientId: str(entry.clientId) ?? '',
      // MQTT Explorer speaks 3.1.1 only.
      protocolVersion: 4,
    };
    if (webSocket) {
      const base = str(entry.basePath) ?? 'mqtt';
      options.path = base.startsWith('/') ? base : `/${base}`;
    }
    if (str(entry.username)) options.username = str(entry.username);
    if (str(entry.password)) options.password = str(entry.password);
    if (encrypted) {
      options.tls = { rejectUnauthorized: bool(entry.certValidation) ?? true };
      const certificate = (key: string): Uint8Array | undefined => {
        const value = entry[key];
        if (!isObject(value) || !str(value.data)) return undefined;
        try {
          return decodeBase64(str(value.data)!);
        } catch {
          notes.push(`${key} could not be decoded and was not imported`);
          return undefined;
        }
      };
      const ca = certificate('selfSignedCertificate');
      const cert = certificate('clientCertificate');
      const key = certificate('clientKey');
      if (ca) options.tls.ca = [ca];
      if (cert) options.tls.cert = cert;
      if (key) options.tls.key = key;
    }
    candidates.push({ name, options, subscriptions: mqttExplorerSubscriptions(entry.subscriptions), notes });
  }
  return { candidates, skipped };
}

/** Keys only MQTTX writes on a connection (MQTT Explorer's have none of them). */
const MQTTX_KEYS = ['mqttVersion', 'ssl', 'certType', 'clean', 'keepalive', 'connectTimeout', 'reconnectPeriod', 'rejectUnauthorized'];
/** Keys only MQTT Explorer writes on a connection. */
const EXPLORER_KEYS = ['encryption', 'basePath', 'certValidation', 'selfSignedCertificate', 'clientCertificate', 'clientKey'];
/** Keys any connection list has: enough to take an array of them for MQTTX's. */
const CONNECTION_KEYS = ['host', 'clientId', 'port'];

const hasAnyKey = (entries: Json[], keys: string[]) => entries.some((entry) => keys.some((key) => key in entry));

/**
 * The format of a profiles file, told by its content alone (never by the name the user picked):
 * ours says `"format": "mqtt-workbench-profiles"`; MQTT Explorer keeps its connections under
 * `ConnectionManager_connections`; MQTTX exports an array (or `{connections: [...]}`) of connections
 * with mqttVersion, clientId, host... Null when it is none of them. Throws on a file that is not JSON.
 */
export function detectImportFormat(content: string): ImportFormat | null {
  const data = parseJson(content);
  if (isObject(data) && data.format === PROFILE_EXPORT_FORMAT) return 'workbench';
  if (isObject(data) && 'ConnectionManager_connections' in data) return 'mqtt-explorer';
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.connections) ? data.connections : null;
  if (list) {
    const entries = list.filter(isObject);
    if (hasAnyKey(entries, MQTTX_KEYS)) return 'mqttx';
    if (hasAnyKey(entries, EXPLORER_KEYS)) return 'mqtt-explorer';
    if (hasAnyKey(entries, CONNECTION_KEYS)) return 'mqttx';
    return null;
  }
  // MQTT Explorer's connections object on its own (keyed by id), as older tools copied it out.
  if (isObject(data)) {
    const entries = Object.values(data).filter(isObject);
    if (entries.length > 0 && hasAnyKey(entries, EXPLORER_KEYS)) return 'mqtt-explorer';
  }
  return null;
}

/**
 * Reads a file as the chosen format, after checking that its content is that format: an MQTTX file
 * read as MQTT Explorer's would silently come out wrong (wss as mqtt, 5.0 as 3.1.1).
 */
export function readProfileImport(choice: ImportFormatChoice, content: string): { format: ImportFormat; parsed: ParsedImport } {
  let detected: ImportFormat | null;
  try {
    detected = detectImportFormat(content);
  } catch (error) {
    throw new WorkbenchFailure('IMPORT_INVALID', (error as Error).message, { detail: (error as Error).message });
  }
  if (choice !== 'auto' && detected !== null && detected !== choice) {
    throw new WorkbenchFailure(
      'IMPORT_WRONG_FORMAT',
      `This file is an ${IMPORT_FORMAT_NAMES[detected]}, not an ${IMPORT_FORMAT_NAMES[choice]}: choose "${IMPORT_FORMAT_NAMES[detected]}" (or Auto-detect) and import it again.`,
      { reason: 'wrongFormat', detected: IMPORT_FORMAT_NAMES[detected], chosen: IMPORT_FORMAT_NAMES[choice] },
    );
  }
  const format = choice === 'auto' ? detected : choice;
  if (format === null) {
    throw new WorkbenchFailure(
      'IMPORT_INVALID',
      `Not a profiles file this app knows: expected an ${IMPORT_FORMAT_NAMES.workbench} ("format": "${PROFILE_EXPORT_FORMAT}"), an ${IMPORT_FORMAT_NAMES.mqttx} (a list of connections) or an ${IMPORT_FORMAT_NAMES['mqtt-explorer']} (ConnectionManager_connections)`,
      { reason: 'notProfilesFile' },
    );
  }
  try {
    return { format, parsed: parseProfileImport(format, content) };
  } catch (error) {
    throw new WorkbenchFailure('IMPORT_INVALID', (error as Error).message, { detail: (error as Error).message });
  }
}

export function parseProfileImport(format: ImportFormat, content: string): ParsedImport {
  switch (format) {
    case 'workbench':
      return fromWorkbench(content);
    case 'mqttx':
      return fromMqttx(content);
    case 'mqtt-explorer':
      return fromMqttExplorer(content);
  }
}
