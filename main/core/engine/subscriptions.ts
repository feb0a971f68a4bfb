import type { IClientSubscribeOptions } from 'mqtt';
import { type ActiveSubscription, type RequestOutput, type RequestParsed, WorkbenchFailure } from '../../../shared/contract';
import { describeReason, hexCode, reasonName } from '../../../shared/mqtt/reason-codes';
import { versionLabel } from '../../../shared/mqtt/versions';
import type { Connection, StatusReporter } from './connection-state';
import { toMqttJsUserProperties } from './mqtt-properties';

type SubscribeInput = RequestParsed<'messages.subscribe'>;

/**
 * A connection's subscriptions: SUBSCRIBE and UNSUBSCRIBE, and the bookkeeping (`connection.subscriptions`)
 * that lists them in its summary and replays them after a reconnect.
 */
export function subscribe({
  connection,
  input,
  status,
}: {
  connection: Connection;
  input: SubscribeInput;
  status: Pick<StatusReporter, 'emitStatusSoon'>;
}): Promise<RequestOutput<'messages.subscribe'>> {
  const isV5 = connection.version === 5;
  const { filter } = input;
  if (!isV5 && filter.startsWith('$share/') && !input.literalSharedSubscription) {
    return Promise.reject(
      new WorkbenchFailure(
        'SHARED_SUBSCRIPTION_UNSUPPORTED',
        `'${filter}' is a shared subscription, which MQTT ${versionLabel(connection.version)} does not define: NATS, RabbitMQ and others take it as a literal topic filter that no message ever matches (mosquitto and EMQX do share it). Connect with MQTT 5, subscribe to the filter without '$share/group/', or subscribe anyway as a literal filter.`,
        { reason: 'sharedSubscription', filter, version: versionLabel(connection.version) },
      ),
    );
  }
  const options: IClientSubscribeOptions = { qos: input.qos };
  if (isV5) {
    options.nl = input.noLocal;
    options.rap = input.retainAsPublished;
    options.rh = input.retainHandling;
    const properties: IClientSubscribeOptions['properties'] = {};
    if (input.subscriptionIdentifier !== undefined) properties.subscriptionIdentifier = input.subscriptionIdentifier;
    const userProperties = toMqttJsUserProperties(input.userProperties);
    if (userProperties) properties.userProperties = userProperties;
    if (Object.keys(properties).length > 0) options.properties = properties;
  }
  // Known before the SUBACK: a broker may deliver (retained, `$` topics) before it answers.
  const earlier = connection.subscriptions.get(filter);
  connection.subscriptions.set(filter, { mqtt: options, granted: earlier?.granted });
  const forget = () => {
    if (earlier) connection.subscriptions.set(filter, earlier);
    else connection.subscriptions.delete(filter);
  };
  return new Promise((resolve, reject) => {
    connection.client.subscribe(filter, options, (error, granted) => {
      const grant = granted?.[0];
      if (error || !grant || grant.qos >= 0x80) forget();
      // SUBACK codes >= 0x80 are failures in both 3.1.1 and 5.0 [MQTT-3.9.3-1].
      if (grant && grant.qos >= 0x80) {
        return reject(
          new WorkbenchFailure('SUBSCRIBE_FAILED', `The broker rejected the subscription to ${filter}: SUBACK ${describeReason(grant.qos, 'suback')}`, {
            reason: 'suback',
            filter,
            reasonCode: hexCode(grant.qos),
            detail: reasonName(grant.qos, 'suback'),
          }),
        );
      }
      if (error?.message === 'Connection closed') {
        return reject(
          new WorkbenchFailure(
            'MESSAGE_REFUSED',
            `The connection closed before the broker answered the SUBSCRIBE to ${filter} at QoS ${input.qos}: it may not allow this filter${input.qos === 2 ? ', QoS 2' : ''}, or subscribing for this user.`,
            { reason: 'subscribeClosed', filter, qos: input.qos },
          ),
        );
      }
      if (error || !grant) {
        return reject(new WorkbenchFailure('SUBSCRIBE_FAILED', `Subscribe to ${filter} failed: ${error?.message ?? 'no SUBACK'}`, { reason: 'subscribeFailed', filter, detail: error?.message ?? 'no SUBACK' }));
      }
      const grantedQos = grant.qos as 0 | 1 | 2;
      const active: ActiveSubscription = {
        filter,
        qos: input.qos,
        grantedQos,
        noLocal: input.noLocal,
        retainAsPublished: input.retainAsPublished,
        retainHandling: input.retainHandling,
      };
      if (input.subscriptionIdentifier !== undefined) active.subscriptionIdentifier = input.subscriptionIdentifier;
      if (input.userProperties?.length) active.userProperties = input.userProperties;
      connection.subscriptions.set(filter, { mqtt: options, granted: active });
      // Coalesced: a profile's 500 saved subscriptions make one status event, not 500 that each list them all.
      status.emitStatusSoon(connection);
      resolve({ filter, grantedQos, requestedQos: input.qos, reasonCode: grant.qos });
    });
  });
}

export function unsubscribe({
  connection,
  filter,
  status,
}: {
  connection: Connection;
  filter: string;
  status: Pick<StatusReporter, 'emitStatusSoon'>;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.client.unsubscribe(filter, (error) => {
      if (error) return reject(new WorkbenchFailure('UNSUBSCRIBE_FAILED', `Unsubscribe from ${filter} failed: ${error.message}`, { reason: 'unsubscribeFailed', filter, detail: error.message }));
      connection.subscriptions.delete(filter);
      status.emitStatusSoon(connection);
      resolve();
    });
  });
}

/** The broker forgot the session (clean start or expired): subscribe again to what the user had. */
export function resubscribe({ connection, status }: { connection: Connection; status: Pick<StatusReporter, 'recordProblem' | 'setStatus'> }): void {
  for (const [filter, { mqtt: options }] of connection.subscriptions) {
    connection.client.subscribe(filter, options, (error, granted) => {
      const code = granted?.[0]?.qos ?? 0;
      if (error || code >= 0x80) {
        // A refused filter is not tried again at every reconnect: that would close each new connection.
        connection.subscriptions.delete(filter);
        const why = error ? (error.message === 'Connection closed' ? 'the broker closed the connection before answering' : error.message) : `SUBACK ${describeReason(code, 'suback')}`;
        const message = `Resubscribing to ${filter} after reconnect failed: ${why}. It was removed from this connection's subscriptions.`;
        const params = { reason: 'resubscribeFailed' as const, filter, detail: why };
        status.recordProblem(connection, { code: 'SUBSCRIBE_FAILED', message, params, emitSoon: false });
        status.setStatus(connection, connection.status, { code: 'SUBSCRIBE_FAILED', message, params });
      }
    });
  }
}
