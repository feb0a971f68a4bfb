import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { AuthResult } from '../auth';
import { encodeConnack } from '../codec/encode';
import type { ConnectPacket } from '../codec/packets';
import type { Properties } from '../codec/properties';
import { MqttViolation, RC, RC311 } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import { resumeDelivery } from '../delivery/send';
import { emit } from '../events';
import { NEVER_EXPIRES } from '../options';
import { type Client, type ClientLimits, NO_LIMITS, Session } from '../session';
import { attachSession, endSession, resumeSession } from '../session-store';
import { topicProblem } from '../topic-rules';
import { cancelWillTimer } from '../wills';
import { startExchange } from './auth';

/** A refusal before CONNACK: v5 gets CONNACK with `code`, 3.1.1/3.1 with `legacyCode` (or a bare close when null). */
class ConnectRefused extends MqttViolation {
  constructor(
    code: number,
    readonly legacyCode: number | null,
    message: string,
  ) {
    super(code, message);
  }
}

function refuse(client: Client, error: ConnectRefused): void {
  if (client.version === 5) return client.disconnect(error.reasonCode, error.message);
  // [3.1.1 MQTT-3.2.2-4] [3.1.1 MQTT-3.2.2-5] a non-zero return code, Session Present 0, then close
  if (error.legacyCode === null) return client.close();
  client.close(encodeConnack(client.version, false, error.legacyCode));
}

/** v5 CONNACK 0x00 that carries only option-derived properties, by Session Present, per broker. */
const plainConnacks = new WeakMap<object, Array<Buffer | undefined>>();

function plainConnack(options: object, sessionPresent: boolean, props: Properties): Buffer {
  let cached = plainConnacks.get(options);
  if (!cached) plainConnacks.set(options, (cached = [undefined, undefined]));
  const index = sessionPresent ? 1 : 0;
  return (cached[index] ??= encodeConnack(5, sessionPresent, RC.SUCCESS, props));
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Assigned ClientIDs never match a held session ([MQTT-3.1.3-7]). */
function assignClientId(sessions: Map<string, Session>): string {
  for (;;) {
    const id = `wb-${randomBytes(9).toString('base64url')}`;
    if (!sessions.has(id)) return id;
  }
}

const defaultLimits = new Map<number, ClientLimits>();

/** The client's limits for what we send it (v5; defaults otherwise). */
function limitsOf(packet: ConnectPacket, maxInflight: number): ClientLimits {
  const props = packet.props;
  // no limits asked for (every 3.1.1 client): one shared object per broker, not one per connection (issue 19)
  if (props.receiveMaximum === undefined && props.maximumPacketSize === undefined && props.topicAliasMaximum === undefined && props.requestProblemInformation === undefined) {
    let shared = defaultLimits.get(maxInflight);
    if (!shared) defaultLimits.set(maxInflight, (shared = Object.freeze({ ...NO_LIMITS, sendLimit: Math.min(65535, maxInflight) })));
    return shared;
  }
  return {
    sendLimit: Math.min(props.receiveMaximum ?? 65535, maxInflight),
    maxPacketSize: props.maximumPacketSize ?? NO_LIMITS.maxPacketSize,
    topicAliasMaximum: props.topicAliasMaximum ?? 0,
    requestProblemInformation: props.requestProblemInformation !== 0,
  };
}

/** Who the CONNECT turned out to be, once authenticated. */
interface Admission {
  clientId: string;
  /** The ClientID was assigned by us ([MQTT-3.1.3-6]): CONNACK says which. */
  assigned: boolean;
  username: string | undefined;
  /** Enhanced authentication's CONNACK properties (method, final data) ([MQTT-4.12.0-5]). */
  authProps?: Properties;
}

export function handleConnect(ctx: BrokerContext, client: Client, packet: ConnectPacket): void | Promise<void> {
  const options = ctx.options;
  const props = packet.props;
  // first: refusals obey them too
  client.fixLimits(limitsOf(packet, options.maxInflight));
  try {
    if (ctx.closing) throw new ConnectRefused(RC.SERVER_UNAVAILABLE, RC311.SERVER_UNAVAILABLE, 'broker is shutting down');
    if (ctx.connections.size > options.maxConnections) {
      throw new ConnectRefused(RC.QUOTA_EXCEEDED, RC311.SERVER_UNAVAILABLE, 'too many connections');
    }
    // Client identifier [MQTT-3.1.3-5] .. [MQTT-3.1.3-8]
    let clientId = packet.clientId;
    let assigned = false;
    if (clientId === '') {
      if (packet.version === 3) throw new ConnectRefused(RC.CLIENT_IDENTIFIER_NOT_VALID, RC311.IDENTIFIER_REJECTED, 'MQIsdp needs a ClientID');
      // [3.1.1 MQTT-3.1.3-8] empty with CleanSession 0 → 0x02
      if (packet.version === 4 && !packet.cleanStart) {
        throw new ConnectRefused(RC.CLIENT_IDENTIFIER_NOT_VALID, RC311.IDENTIFIER_REJECTED, 'empty ClientID needs CleanSession 1');
      }
      if (!options.allowEmptyClientId) throw new ConnectRefused(RC.CLIENT_IDENTIFIER_NOT_VALID, RC311.IDENTIFIER_REJECTED, 'empty ClientID');
      clientId = assignClientId(ctx.sessions); // [MQTT-3.1.3-6]
      assigned = true;
    } else if ((packet.version === 3 && clientId.length > 23) || utf8Bytes(clientId) > options.maxClientIdLength) {
      throw new ConnectRefused(RC.CLIENT_IDENTIFIER_NOT_VALID, RC311.IDENTIFIER_REJECTED, 'ClientID too long'); // [MQTT-3.1.3-8]
    }
    const will = packet.will;
    if (will) {
      // [MQTT-3.1.3-11] a Will Topic is a topic name: no wildcards
      if (topicProblem(will.topic, options.maxTopicLevels)) throw new ConnectRefused(RC.TOPIC_NAME_INVALID, null, 'Will Topic is not a valid topic name');
      if (will.qos > options.maximumQoS) throw new ConnectRefused(RC.QOS_NOT_SUPPORTED, null, 'Will QoS not supported'); // [MQTT-3.2.2-12]
      if (will.retain && !options.retainAvailable) throw new ConnectRefused(RC.RETAIN_NOT_SUPPORTED, null, 'retain not supported'); // [MQTT-3.2.2-13]
      if (will.props.payloadFormatIndicator === 1 && !isUtf8(will.payload)) {
        throw new ConnectRefused(RC.PAYLOAD_FORMAT_INVALID, null, 'Will payload is not UTF-8'); // (MAY)
      }
      if (will.props.responseTopic !== undefined && topicProblem(will.props.responseTopic, options.maxTopicLevels)) {
        throw new ConnectRefused(RC.PROTOCOL_ERROR, null, 'Will Response Topic is not a valid topic name');
      }
    }
    if (props.authenticationMethod !== undefined) {
      const method = options.auth.methods?.[props.authenticationMethod];
      // [MQTT-4.12.0-1] a method we do not offer
      if (!method) throw new ConnectRefused(RC.BAD_AUTHENTICATION_METHOD, null, `authentication method ${props.authenticationMethod} is not supported`);
      const name = props.authenticationMethod;
      return startExchange(
        client,
        name,
        {
          authenticator: method.create(),
          onSuccess: (step) => {
            // [MQTT-4.12.0-5] the successful CONNACK carries the method
            const authProps = { authenticationMethod: name, ...(step.data ? { authenticationData: step.data } : {}) };
            accept(ctx, client, packet, { clientId, assigned, username: step.username ?? packet.username, authProps });
          },
          // [MQTT-4.12.0-4] refused at any step: CONNACK >= 0x80, close
          onFailure: (code) => refuse(client, new ConnectRefused(code, null, 'authentication failed')),
        },
        props.authenticationData,
      );
    }

    const authenticate = options.auth.authenticate;
    if (!authenticate) return accept(ctx, client, packet, { clientId, assigned, username: packet.username });
    const result = authenticate({ clientId, username: packet.username, password: packet.password, version: packet.version });
    if (result instanceof Promise) return result.then((r) => afterAuthentication(ctx, client, packet, { clientId, assigned, username: packet.username }, r));
    afterAuthentication(ctx, client, packet, { clientId, assigned, username: packet.username }, result);
  } catch (error) {
    if (error instanceof ConnectRefused) return refuse(client, error);
    throw error;
  }
}

function afterAuthentication(ctx: BrokerContext, client: Client, packet: ConnectPacket, admission: Admission, result: AuthResult): void {
  if (client.state === 'closed') return;
  if (!result.ok) {
    // [MQTT-3.1.4-2] 0x86 / 0x87 (3.1.1: 0x04 / 0x05)
    const refusal =
      result.reason === 'bad-credentials'
        ? new ConnectRefused(RC.BAD_USER_NAME_OR_PASSWORD, RC311.BAD_USER_NAME_OR_PASSWORD, 'bad user name or password')
        : result.reason === 'not-authorized'
          ? new ConnectRefused(RC.NOT_AUTHORIZED, RC311.NOT_AUTHORIZED, 'not authorized')
          : new ConnectRefused(RC.SERVER_UNAVAILABLE, RC311.SERVER_UNAVAILABLE, 'server unavailable');
    return refuse(client, refusal);
  }
  accept(ctx, client, packet, admission);
}

/** The CONNACK with Session Present set: the flags byte follows the fixed header (sizes are equal). */
function withSessionPresent(connack: Buffer): Buffer {
  const copy = Buffer.from(connack);
  let at = 1;
  while (copy[at]! & 0x80) at++;
  copy[at + 1] = 1;
  return copy;
}

function accept(ctx: BrokerContext, client: Client, packet: ConnectPacket, admission: Admission): void {
  const { clientId, assigned, username, authProps } = admission;
  const options = ctx.options;
  const v5 = packet.version === 5;
  const props = packet.props;

  // Session Expiry Interval: v5 asks (absent = 0); 3.1.1 CleanSession 0 = never expires (capped)
  const requested = v5 ? (props.sessionExpiryInterval ?? 0) : packet.cleanStart ? 0 : NEVER_EXPIRES;
  const granted = Math.min(requested, options.maxSessionExpiryInterval);
  const maxKeepAlive = options.maxKeepAlive;
  const serverKeepAlive = !v5
    ? undefined
    : (options.serverKeepAlive ?? (maxKeepAlive > 0 && (packet.keepAlive === 0 || packet.keepAlive > maxKeepAlive) ? maxKeepAlive : undefined));
  const keepAlive = serverKeepAlive ?? packet.keepAlive; // [MQTT-3.2.2-22]

  // The CONNACK depends on the options and this client, not on the session (Session Present is one
  // bit of the same size): built first, so one the client could not take changes nothing.
  let connack: Buffer;
  let connackProps: Properties = {};
  // Nothing specific to this client: the CONNACK only says what the options say, encoded once
  const plain =
    v5 && !authProps && !assigned && granted === requested && serverKeepAlive === undefined && !(props.requestResponseInformation === 1 && options.responseInformation);
  if (v5) {
    connackProps = { ...authProps };
    if (assigned) connackProps.assignedClientIdentifier = clientId; // [MQTT-3.2.2-16]
    if (granted !== requested) connackProps.sessionExpiryInterval = granted;
    if (serverKeepAlive !== undefined) connackProps.serverKeepAlive = serverKeepAlive;
    if (options.receiveMaximum < 65535) connackProps.receiveMaximum = options.receiveMaximum;
    if (options.maximumQoS < 2) connackProps.maximumQoS = options.maximumQoS; // [MQTT-3.2.2-9]
    if (!options.retainAvailable) connackProps.retainAvailable = 0;
    connackProps.maximumPacketSize = options.maxPacketSize;
    if (options.topicAliasMaximum > 0) connackProps.topicAliasMaximum = options.topicAliasMaximum;
    if (!options.wildcardSubscriptionAvailable) connackProps.wildcardSubscriptionAvailable = 0;
    if (!options.subscriptionIdentifierAvailable) connackProps.subscriptionIdentifierAvailable = 0;
    if (!options.sharedSubscriptionAvailable) connackProps.sharedSubscriptionAvailable = 0;
    // [MQTT-3.1.2-28] only when asked for
    if (props.requestResponseInformation === 1 && options.responseInformation) connackProps.responseInformation = options.responseInformation(clientId);
    connack = plain ? plainConnack(options, false, connackProps) : encodeConnack(5, false, RC.SUCCESS, connackProps);
    // [MQTT-3.1.2-24] never a packet over the client's Maximum Packet Size: a CONNACK that cannot be
    // sent whole ends the connection before any session state changes (no Will: none was accepted)
    if (connack.length > client.limits.maxPacketSize) return client.closeUnanswered(RC.PACKET_TOO_LARGE);
  } else {
    connack = encodeConnack(packet.version, false, RC.SUCCESS);
  }

  const held = ctx.sessions.get(clientId);
  // [MQTT-3.1.2-8] [MQTT-3.1.3-9] a new network connection for this ClientID before the Will Delay
  // elapsed: the offline session's pending Will is not sent, whatever Clean Start says
  if (held && !held.connection && held.will) {
    cancelWillTimer(held);
    held.will = null;
  }
  // Takeover [MQTT-3.1.4-3]: v5 gets DISCONNECT 0x8E, 3.1.1/3.1 a bare close ([3.1.1 MQTT-3.1.4-2]).
  // Closing runs the old connection's Will and expiry logic before this session decision.
  const previous = held?.connection;
  if (previous) previous.disconnect(RC.SESSION_TAKEN_OVER, 'session taken over');

  let session = ctx.sessions.get(clientId);
  if (session && packet.cleanStart) {
    endSession(ctx, session); // [MQTT-3.1.2-4] [MQTT-3.1.4-4] [3.1.1 MQTT-3.1.2-6]
    session = undefined;
  }
  let sessionPresent = false;
  if (session) {
    resumeSession(session); // [MQTT-3.1.2-5] [3.1.1 MQTT-3.1.2-4]
    sessionPresent = true; // [MQTT-3.2.2-3]
  } else {
    if (ctx.sessions.size >= options.maxSessions) {
      return refuse(client, new ConnectRefused(RC.QUOTA_EXCEEDED, RC311.SERVER_UNAVAILABLE, 'too many sessions'));
    }
    session = new Session(clientId, packet.version); // [MQTT-3.1.2-6]
    ctx.sessions.set(clientId, session);
  }
  const will = packet.will ? { ...packet.will, delayInterval: v5 ? (packet.will.props.willDelayInterval ?? 0) : 0 } : null;
  attachSession(ctx, session, client, { version: packet.version, expiryInterval: granted, will, username });

  if (sessionPresent) {
    // [3.1.1 MQTT-3.2.2-1] 3.1 has no Session Present (byte 1 reserved)
    if (plain) connack = plainConnack(options, true, connackProps);
    else if (packet.version !== 3) connack = withSessionPresent(connack);
  }
  // [MQTT-3.2.0-1] CONNACK is the first packet
  client.write(connack);
  client.connected(session, clientId, username, keepAlive);
  // no listener, no event object (and no peer address lookup) on the connect path
  if (ctx.listeners.size > 0) emit(ctx, { type: 'client.connected', clientId, protocolVersion: packet.version, remoteAddress: client.remoteAddress, sessionPresent });
  // [MQTT-4.4.0-1] resend in-flight, then the queue of the resumed session
  if (sessionPresent) resumeDelivery(ctx, session);
}
