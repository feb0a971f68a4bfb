import { type ConnectionOptionsInput, connectionOptions } from '../../../../shared/contract';
import { decodeHex } from '../../../../shared/codecs/hex';
import { encodePayload } from '../../../../shared/codecs/payload-format';
import { translate } from '../../../ui/i18n';
import { type ConnectionForm, type KeyValue, type TriState, hasSecret, isTls, isWebSocket, mayUseV5 } from './form-model';

export type FormCheck = { ok: true; options: ConnectionOptionsInput; problems: Problems } | { ok: false; problems: Problems };
/** Problems by field key: the contract's issue path up to the first index, e.g. `properties.receiveMaximum`. */
export type Problems = Record<string, string>;

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));
const triState = (value: TriState) => (value === '' ? undefined : value === 'on');
const pairs = (list: KeyValue[]) => list.filter((p) => p.key !== '' || p.value !== '');

/** Drops undefined members, so an untouched section sends nothing (the broker's defaults apply). */
function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

function problemKey(path: readonly PropertyKey[]): string {
  if (path[0] === 'wsHeaders') return 'wsHeaders';
  const until = path.findIndex((segment) => typeof segment === 'number');
  return (until < 0 ? path : path.slice(0, until)).map(String).join('.') || 'form';
}

/** A bad record key (a WebSocket header name) reports its own problem one level down; name the key. */
function innerMessage(issue: { message: string; path: readonly PropertyKey[]; issues?: readonly { message: string }[] }): string {
  const inner = issue.issues?.[0]?.message;
  return inner ? `"${String(issue.path[issue.path.length - 1])}": ${inner}` : issue.message;
}

function readable(message: string): string {
  return message.startsWith('Invalid input: expected number') ? translate('connectionDialog:check.enterNumber') : message;
}

/**
 * Turns the form into connection options and checks them against the contract's own schema, so
 * the UI and the host agree on what is valid. `forProfile`: secrets the host already holds count
 * as present (the renderer never has them).
 */
export function checkForm(form: ConnectionForm, { forProfile = false } = {}): FormCheck {
  const problems: Problems = {};
  const v5 = mayUseV5(form.protocolVersion);

  let willPayload: Uint8Array = new Uint8Array();
  let willCorrelation: Uint8Array | undefined;
  if (form.willEnabled) {
    const encoded = encodePayload(form.willPayload, form.willFormat);
    if (encoded.ok) willPayload = encoded.bytes;
    else problems['will.payload'] = encoded.problem.message;
    if (form.willCorrelationHex.trim() !== '') {
      try {
        willCorrelation = decodeHex(form.willCorrelationHex);
      } catch (error) {
        problems['will.properties.correlationData'] = (error as Error).message;
      }
    }
  }

  const tls = isTls(form.protocol)
    ? {
        rejectUnauthorized: form.verifyCertificate,
        ...(form.ca.length ? { ca: form.ca.map((f) => f.bytes) } : {}),
        ...(form.cert ? { cert: form.cert.bytes } : {}),
        ...(form.key ? { key: form.key.bytes } : {}),
        ...(form.passphrase ? { passphrase: form.passphrase } : {}),
        ...(form.pfx ? { pfx: form.pfx.bytes } : {}),
        ...(form.alpn.trim() ? { alpnProtocols: form.alpn.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(form.servername.trim() ? { servername: form.servername.trim() } : {}),
      }
    : undefined;

  const properties = v5
    ? compact({
        sessionExpiryInterval: optionalNumber(form.sessionExpiry),
        receiveMaximum: optionalNumber(form.receiveMaximum),
        maximumPacketSize: optionalNumber(form.maximumPacketSize),
        topicAliasMaximum: optionalNumber(form.topicAliasMaximum),
        requestResponseInformation: triState(form.requestResponseInformation),
        requestProblemInformation: triState(form.requestProblemInformation),
        userProperties: pairs(form.userProperties),
      })
    : undefined;

  const willProperties = v5
    ? compact({
        willDelayInterval: optionalNumber(form.willDelay),
        payloadFormatIndicator: triState(form.willPayloadFormatIndicator),
        messageExpiryInterval: optionalNumber(form.willMessageExpiry),
        contentType: form.willContentType || undefined,
        responseTopic: form.willResponseTopic || undefined,
        correlationData: willCorrelation,
        userProperties: pairs(form.willUserProperties),
      })
    : undefined;

  const proxied = form.proxyKind === 'http' || form.proxyKind === 'socks5';
  const proxy =
    form.proxyKind === 'none'
      ? undefined
      : {
          kind: form.proxyKind,
          ...(proxied && form.proxyHost.trim() ? { host: form.proxyHost.trim() } : {}),
          ...(proxied && form.proxyPort.trim() ? { port: number(form.proxyPort) } : {}),
          ...(proxied && form.proxyUsername ? { username: form.proxyUsername } : {}),
          ...(proxied && form.proxyPassword ? { password: form.proxyPassword } : {}),
        };

  const headers = isWebSocket(form.protocol) ? pairs(form.wsHeaders) : [];
  const options: ConnectionOptionsInput = {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    protocol: form.protocol,
    host: form.host.trim(),
    port: number(form.port),
    path: form.path,
    clientId: form.clientId.trim(),
    protocolVersion: form.protocolVersion,
    clean: form.clean,
    keepaliveSeconds: number(form.keepalive),
    connectTimeoutMs: number(form.connectTimeout),
    reconnect: {
      enabled: form.reconnectEnabled,
      initialDelayMs: number(form.reconnectInitial),
      maxDelayMs: number(form.reconnectMax),
      maxAttempts: number(form.reconnectMaxAttempts),
    },
    keepDollarTopicsOnWildcards: form.keepDollarTopics,
    durableCapture: form.durableCapture,
    ...(form.username ? { username: form.username } : {}),
    ...(form.password ? { password: form.password } : {}),
    ...(v5 && form.enhancedAuth ? { enhancedAuth: { method: form.enhancedAuth } } : {}),
    ...(tls ? { tls } : {}),
    ...(tls && form.tlsKeyLog.trim() ? { tlsKeyLog: form.tlsKeyLog.trim() } : {}),
    ...(proxy ? { proxy } : {}),
    ...(properties ? { properties } : {}),
    ...(headers.length ? { wsHeaders: Object.fromEntries(headers.map((h) => [h.key, h.value])) } : {}),
    ...(form.willEnabled
      ? { will: { topic: form.willTopic, payload: willPayload, qos: form.willQos, retain: form.willRetain, ...(willProperties ? { properties: willProperties } : {}) } }
      : {}),
  };

  const parsed = connectionOptions.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = problemKey(issue.path);
      // A password the host holds for this profile satisfies SCRAM, though the renderer never sees it.
      if (forProfile && key === 'enhancedAuth' && issue.message.startsWith('SCRAM needs') && form.username && hasSecret(form, 'password')) continue;
      problems[key] ??= readable(innerMessage(issue));
    }
  }
  if (form.reconnectEnabled && number(form.reconnectMax) < number(form.reconnectInitial)) {
    problems['reconnect.maxDelayMs'] ??= translate('connectionDialog:check.longestDelay');
  }
  return Object.keys(problems).length === 0 ? { ok: true, options, problems } : { ok: false, problems };
}
