import { describe, expect, it } from 'vitest';
import { RC, RC311, describeConnackCode, describeReason, reasonName } from '../../shared/mqtt/reason-codes';

describe('the one reason-code table', () => {
  it('gives the broker its codes and the engine and UI their names from the same rows', () => {
    expect(RC.NOT_AUTHORIZED).toBe(0x87);
    expect(describeReason(RC.NOT_AUTHORIZED)).toBe('0x87 Not authorized');
    expect(describeReason(RC.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED)).toBe('0xa2 Wildcard Subscriptions not supported');
    expect(reasonName(RC.SUCCESS, 'suback')).toBe('Granted QoS 0');
    expect(reasonName(0x7f)).toBe('Unknown');
  });

  it('reads a CONNACK code as 3.1.1 below 0x80 and as MQTT 5 from 0x80', () => {
    expect(describeConnackCode(RC311.NOT_AUTHORIZED)).toBe('0x05 Not authorized');
    expect(describeConnackCode(RC311.UNACCEPTABLE_PROTOCOL_VERSION)).toBe('0x01 Unacceptable protocol version');
    expect(describeConnackCode(RC.BAD_USER_NAME_OR_PASSWORD)).toBe('0x86 Bad User Name or Password');
    expect(describeConnackCode(RC311.ACCEPTED)).toBe('0x00 Success');
  });
});
