import type { CodecSettings } from '../../../../shared/contract/codec-rules';
import type { Profile, ProtocolVersionChoice, SavedSubscription, SecretField } from '../../../../shared/contract';
import { type PayloadFormat, decodePayload } from '../../../../shared/codecs/payload-format';
import { translate } from '../../../ui/i18n';

/** What the form edits: strings where the user types, so half-typed numbers are not lost. */
export type Protocol = 'mqtt' | 'mqtts' | 'ws' | 'wss';
export type Version = ProtocolVersionChoice;

/** MQTT 5 options apply: 5.0, or Auto (which tries 5.0 first and sends them then). */
export function mayUseV5(version: Version): boolean {
  return version === 5 || version === 'auto';
}

export type TriState = '' | 'on' | 'off';
export type ScramMethod = '' | 'SCRAM-SHA-1' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface FileValue {
  name: string;
  bytes: Uint8Array;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface ConnectionForm {
  // profile
  name: string;
  folder: string;
  color: string;
  // general
  protocol: Protocol;
  host: string;
  port: string;
  path: string;
  clientId: string;
  protocolVersion: Version;
  clean: boolean;
  keepalive: string;
  connectTimeout: string;
  // authentication
  username: string;
  /** Typed now; empty with a stored password keeps the stored one. */
  password: string;
  enhancedAuth: ScramMethod;
  // TLS
  ca: FileValue[];
  cert: FileValue | null;
  key: FileValue | null;
  passphrase: string;
  pfx: FileValue | null;
  verifyCertificate: boolean;
  alpn: string;
  servername: string;
  /** A file the TLS session keys are appended to (NSS key log); empty: off. */
  tlsKeyLog: string;
  // proxy
  proxyKind: 'none' | 'system' | 'http' | 'socks5';
  proxyHost: string;
  proxyPort: string;
  proxyUsername: string;
  /** Typed now; empty with a stored proxy password keeps the stored one. */
  proxyPassword: string;
  // MQTT 5
  sessionExpiry: string;
  receiveMaximum: string;
  maximumPacketSize: string;
  topicAliasMaximum: string;
  requestResponseInformation: TriState;
  requestProblemInformation: TriState;
  userProperties: KeyValue[];
  // will
  willEnabled: boolean;
  willTopic: string;
  willPayload: string;
  willFormat: PayloadFormat;
  willQos: 0 | 1 | 2;
  willRetain: boolean;
  willDelay: string;
  willPayloadFormatIndicator: TriState;
  willMessageExpiry: string;
  willContentType: string;
  willResponseTopic: string;
  willCorrelationHex: string;
  willUserProperties: KeyValue[];
  // advanced
  reconnectEnabled: boolean;
  reconnectInitial: string;
  reconnectMax: string;
  reconnectMaxAttempts: string;
  keepDollarTopics: boolean;
  durableCapture: boolean;
  wsHeaders: KeyValue[];
  /** Header names (comma separated) to keep secret besides the credential ones. */
  secretHeaderNames: string;
  // secrets held by the host for the profile being edited (never their values)
  storedSecrets: Partial<Record<SecretField, boolean>>;
  clearSecrets: SecretField[];
  /** WebSocket headers whose values the host holds for this profile, and the ones to clear on save. */
  storedHeaders: string[];
  clearHeaders: string[];
  /** Subscribed when the profile connects (or after a quick connect), as saved with the profile. */
  subscriptions: SavedSubscription[];
  /** The profile connects when the workbench starts. */
  connectOnLaunch: boolean;
  /** The profile's codec rules and schemas (issue 16); sent on save only when changed here. */
  codecs: CodecSettings;
  codecsChanged: boolean;
}

/** Ports brokers conventionally use (IANA for 1883/8883; 8083/8084 are common WebSocket choices). */
export const DEFAULT_PORTS: Record<Protocol, string> = { mqtt: '1883', mqtts: '8883', ws: '8083', wss: '8084' };

export const isTls = (protocol: Protocol) => protocol === 'mqtts' || protocol === 'wss';
export const isWebSocket = (protocol: Protocol) => protocol === 'ws' || protocol === 'wss';

export const PROFILE_COLORS = ['#0969da', '#1a7f37', '#9a6700', '#cf222e', '#8250df', '#bf3989', '#0a7a8a', '#6e7781'];

export const INITIAL_FORM: ConnectionForm = {
  codecs: { rules: [], schemas: [] },
  codecsChanged: false,
  name: '',
  folder: '',
  color: PROFILE_COLORS[0]!,
  protocol: 'mqtt',
  host: '127.0.0.1',
  port: DEFAULT_PORTS.mqtt,
  path: '/mqtt',
  clientId: '',
  protocolVersion: 'auto',
  clean: true,
  keepalive: '60',
  connectTimeout: '10000',
  username: '',
  password: '',
  enhancedAuth: '',
  ca: [],
  cert: null,
  key: null,
  passphrase: '',
  pfx: null,
  verifyCertificate: true,
  alpn: '',
  servername: '',
  tlsKeyLog: '',
  proxyKind: 'none',
  proxyHost: '',
  proxyPort: '',
  proxyUsername: '',
  proxyPassword: '',
  sessionExpiry: '',
  receiveMaximum: '',
  maximumPacketSize: '',
  topicAliasMaximum: '',
  requestResponseInformation: '',
  requestProblemInformation: '',
  userProperties: [],
  willEnabled: false,
  willTopic: '',
  willPayload: '',
  willFormat: 'text',
  willQos: 0,
  willRetain: false,
  willDelay: '',
  willPayloadFormatIndicator: '',
  willMessageExpiry: '',
  willContentType: '',
  willResponseTopic: '',
  willCorrelationHex: '',
  willUserProperties: [],
  reconnectEnabled: true,
  reconnectInitial: '1000',
  reconnectMax: '30000',
  reconnectMaxAttempts: '0',
  keepDollarTopics: false,
  durableCapture: false,
  wsHeaders: [],
  secretHeaderNames: '',
  storedSecrets: {},
  clearSecrets: [],
  storedHeaders: [],
  clearHeaders: [],
  subscriptions: [],
  connectOnLaunch: false,
};

export function generateClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `mqtt-workbench-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Switching protocol moves the port to the new default unless the user typed their own. */
export function withProtocol(form: ConnectionForm, protocol: Protocol): ConnectionForm {
  const port = form.port === DEFAULT_PORTS[form.protocol] ? DEFAULT_PORTS[protocol] : form.port;
  return { ...form, protocol, port };
}

/** True when the secret will be used on connect: typed now, or stored and not marked for clearing. */
export function hasSecret(form: ConnectionForm, field: SecretField): boolean {
  const typed = { password: form.password !== '', tlsKey: form.key !== null, tlsPassphrase: form.passphrase !== '', tlsPfx: form.pfx !== null, proxyPassword: form.proxyPassword !== '' }[field];
  return typed || (form.storedSecrets[field] === true && !form.clearSecrets.includes(field));
}

const text = (n: number | undefined) => (n === undefined ? '' : String(n));
const tri = (b: boolean | undefined): TriState => (b === undefined ? '' : b ? 'on' : 'off');
const hex = (bytes: Uint8Array | undefined) => (bytes ? Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') : '');
/** A stored will payload as text when it is UTF-8, else as hex, so no byte is lost on the way back. */
function willPayload(bytes: Uint8Array | undefined): { willPayload: string; willFormat: PayloadFormat } {
  if (!bytes) return { willPayload: '', willFormat: 'text' };
  const decoded = decodePayload(bytes, 'text');
  return decoded.ok ? { willPayload: decoded.text, willFormat: 'text' } : { willPayload: hex(bytes), willFormat: 'hex' };
}

/** The form for editing a saved profile: public options as stored, secrets as "set / not set". */
export function formFromProfile(profile: Profile): ConnectionForm {
  const o = profile.options;
  const p = o.properties ?? {};
  const w = o.will;
  const wp = w?.properties ?? {};
  return {
    ...INITIAL_FORM,
    name: profile.name,
    folder: profile.folder,
    color: profile.color ?? INITIAL_FORM.color,
    protocol: o.protocol,
    host: o.host,
    port: String(o.port),
    path: o.path,
    clientId: o.clientId,
    protocolVersion: o.protocolVersion,
    clean: o.clean,
    keepalive: String(o.keepaliveSeconds),
    connectTimeout: String(o.connectTimeoutMs),
    username: o.username ?? '',
    enhancedAuth: o.enhancedAuth?.method ?? '',
    ca: (o.tls?.ca ?? []).map((bytes, i) => ({ name: translate('connectionDialog:tls.storedCa', { n: String(i + 1) }), bytes })),
    cert: o.tls?.cert ? { name: translate('connectionDialog:tls.storedCert'), bytes: o.tls.cert } : null,
    verifyCertificate: o.tls?.rejectUnauthorized ?? true,
    alpn: (o.tls?.alpnProtocols ?? []).join(', '),
    servername: o.tls?.servername ?? '',
    tlsKeyLog: o.tlsKeyLog ?? '',
    proxyKind: o.proxy?.kind ?? 'none',
    proxyHost: o.proxy?.host ?? '',
    proxyPort: text(o.proxy?.port),
    proxyUsername: o.proxy?.username ?? '',
    sessionExpiry: text(p.sessionExpiryInterval),
    receiveMaximum: text(p.receiveMaximum),
    maximumPacketSize: text(p.maximumPacketSize),
    topicAliasMaximum: text(p.topicAliasMaximum),
    requestResponseInformation: tri(p.requestResponseInformation),
    requestProblemInformation: tri(p.requestProblemInformation),
    userProperties: p.userProperties ?? [],
    willEnabled: w !== undefined,
    willTopic: w?.topic ?? '',
    ...willPayload(w?.payload),
    willQos: w?.qos ?? 0,
    willRetain: w?.retain ?? false,
    willDelay: text(wp.willDelayInterval),
    willPayloadFormatIndicator: tri(wp.payloadFormatIndicator),
    willMessageExpiry: text(wp.messageExpiryInterval),
    willContentType: wp.contentType ?? '',
    willResponseTopic: wp.responseTopic ?? '',
    willCorrelationHex: hex(wp.correlationData),
    willUserProperties: wp.userProperties ?? [],
    reconnectEnabled: o.reconnect.enabled,
    reconnectInitial: String(o.reconnect.initialDelayMs),
    reconnectMax: String(o.reconnect.maxDelayMs),
    reconnectMaxAttempts: String(o.reconnect.maxAttempts),
    keepDollarTopics: o.keepDollarTopicsOnWildcards ?? false,
    durableCapture: o.durableCapture ?? false,
    wsHeaders: Object.entries(o.wsHeaders ?? {}).map(([key, value]) => ({ key, value })),
    storedSecrets: profile.secrets,
    clearSecrets: [],
    storedHeaders: profile.storedHeaders,
    clearHeaders: [],
    subscriptions: profile.subscriptions,
    connectOnLaunch: profile.connectOnLaunch,
    // Profiles saved before codec rules have none.
    codecs: profile.codecs ?? INITIAL_FORM.codecs,
  };
}
