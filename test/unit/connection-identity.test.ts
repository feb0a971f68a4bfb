import { describe, expect, it } from 'vitest';
import { type ConnectionOptionsInput, connectionOptions } from '../../shared/contract';
import { profileIdOfKey } from '../../shared/contract/connections';
import { endpointIdentity, profileIdentity } from '../../main/core/engine/connection-identity';

/** Options as the contract hands them to the engine: defaults filled in. */
const options = (input: Partial<ConnectionOptionsInput> = {}) => connectionOptions.parse({ protocol: 'mqtt', host: 'broker.local', port: 1883, ...input });
const keyOf = (input: Partial<ConnectionOptionsInput> = {}) => endpointIdentity(options(input)).key;

describe('connection identity: what history keys a connection by across runs', () => {
  it('names a saved profile by its id and labels it with its name', () => {
    expect(profileIdentity('9f2c4e1a7b3d5e60', 'Plant A')).toEqual({ key: 'profile:9f2c4e1a7b3d5e60', label: 'Plant A' });
  });

  it('reads the profile back from an identity, and none from an endpoint', () => {
    expect(profileIdOfKey(profileIdentity('9f2c4e1a7b3d5e60', 'Plant A').key)).toBe('9f2c4e1a7b3d5e60');
    expect(profileIdOfKey(endpointIdentity(options()).key)).toBeUndefined();
  });

  it('gives the same endpoint the same key in every run, labelled host:port or by its name', () => {
    expect(keyOf()).toMatch(/^endpoint:[0-9a-f]{24}$/);
    expect(keyOf()).toBe(keyOf());
    expect(endpointIdentity(options()).label).toBe('broker.local:1883');
    expect(endpointIdentity(options({ name: 'Bench rig' })).label).toBe('Bench rig');
    // A name is how it is shown, not which broker it is.
    expect(keyOf({ name: 'Bench rig' })).toBe(keyOf());
  });

  it('labels an unnamed connection by what tells it apart: scheme, user, WebSocket path and chosen client id', () => {
    const labelOf = (input: Partial<ConnectionOptionsInput>) => endpointIdentity(options(input)).label;
    expect(labelOf({ username: 'operator' })).toBe('operator@broker.local:1883');
    expect(labelOf({ username: 'viewer' })).toBe('viewer@broker.local:1883');
    expect(labelOf({ protocol: 'mqtts', port: 8883 })).toBe('mqtts://broker.local:8883');
    expect(labelOf({ protocol: 'ws', port: 8083, path: '/mqtt' })).toBe('ws://broker.local:8083/mqtt');
    expect(labelOf({ clientId: 'line-7-monitor' })).toBe('broker.local:1883 · line-7-monitor');
  });

  it('tells endpoints apart by protocol, host, port, user name and a chosen client id', () => {
    const keys = [
      keyOf(),
      keyOf({ protocol: 'mqtts' }),
      keyOf({ host: 'other.local' }),
      keyOf({ port: 1884 }),
      keyOf({ username: 'operator' }),
      keyOf({ clientId: 'line-7-monitor' }),
      keyOf({ protocol: 'ws', port: 8083 }),
      keyOf({ protocol: 'ws', port: 8083, path: '/other' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores what does not change whose messages they are: host case, TCP path, password, version, session options', () => {
    expect(keyOf({ host: 'BROKER.local' })).toBe(keyOf());
    expect(keyOf({ path: '/ignored-for-tcp' })).toBe(keyOf());
    expect(keyOf({ username: 'operator', password: 'secret' })).toBe(keyOf({ username: 'operator', password: 'other' }));
    expect(keyOf({ protocolVersion: 4, clean: false, keepaliveSeconds: 5 })).toBe(keyOf());
  });

  it('keeps parts apart: a user name holding a separator cannot pass for another user and client id', () => {
    expect(keyOf({ username: 'a', clientId: 'b' })).not.toBe(keyOf({ username: 'a","b', clientId: '' }));
  });
});
