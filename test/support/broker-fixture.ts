import { afterAll, beforeAll } from 'vitest';
import type { BrokerOptions } from '../../main/core/broker/options';
import { RawClient, type TestBroker, startTestBroker } from './raw-mqtt-client';

/**
 * The shared setup of the raw-byte conformance suites: one broker for the file (started in
 * beforeAll), extra brokers with other options on demand, unique client ids, and connected clients.
 */
export function useBrokerFixture(options: BrokerOptions = {}, { idPrefix = 'c', version = 5 as 3 | 4 | 5 } = {}) {
  let main: TestBroker | undefined;
  let n = 0;
  const extra: TestBroker[] = [];
  beforeAll(async () => {
    main = await startTestBroker(options);
  });
  afterAll(async () => {
    await main?.stop();
    for (const b of extra) await b.stop();
  });
  const fixture = {
    /** The file's broker (available inside tests and hooks). */
    get tb(): TestBroker {
      if (!main) throw new Error('The test broker is not started yet (use it inside a test or hook)');
      return main;
    },
    id: (prefix = idPrefix) => `${prefix}${++n}`,
    /** Another broker with other options, stopped after the file. */
    async brokerWith(other: BrokerOptions): Promise<TestBroker> {
      const b = await startTestBroker(other);
      extra.push(b);
      return b;
    },
    /** A client that has sent CONNECT (with a fresh client id) and received its CONNACK. */
    client: (packet: Record<string, unknown> = {}, clientVersion: 3 | 4 | 5 = version, port?: number) =>
      RawClient.connected(port ?? fixture.tb.port, { clientId: fixture.id(), ...packet }, clientVersion),
  };
  return fixture;
}
