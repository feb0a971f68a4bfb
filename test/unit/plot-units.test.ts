import { describe, expect, it } from 'vitest';
import { unitOf, unitOfName, withUnit } from '../../renderer/payload/units';

describe('plot units: shown only when the message states or clearly implies them (issue 14)', () => {
  it('takes a unit field beside the value, for that value only', () => {
    expect(unitOf({ value: 21.5, unit: '°C' }, ['value'], 'home/room')).toBe('°C');
    expect(unitOf({ temperature: 21.5, temperature_unit: '°F' }, ['temperature'], 't')).toBe('°F');
    expect(unitOf({ power: 3, powerUnit: 'kW' }, ['power'], 't')).toBe('kW');
    expect(unitOf({ sensor: { reading: 7, units: 'ppm' } }, ['sensor', 'reading'], 't')).toBe('ppm');
    // Two numbers share one object: "unit" says nothing about which.
    expect(unitOf({ a: 1, b: 2, unit: 'V' }, ['a'], 't')).toBeUndefined();
    // A long sentence is not a unit.
    expect(unitOf({ value: 1, unit: 'measured in volts at the plug' }, ['value'], 't')).toBeUndefined();
  });

  it('reads a unit= parameter of the MQTT 5 content type', () => {
    expect(unitOf(1457.8, [], 'plant/line-1/load', 'text/plain; unit=W')).toBe('W');
    expect(unitOf({ x: 2 }, ['x'], 't', 'application/json;unit="m/s"')).toBe('m/s');
  });

  it('knows key suffixes and a few quantity names, and the topic level of a bare number', () => {
    expect(unitOfName('winding_temp_c')).toBe('°C');
    expect(unitOfName('power_W')).toBe('W');
    expect(unitOfName('battery-pct')).toBe('%');
    expect(unitOfName('energy_kwh')).toBe('kWh');
    expect(unitOfName('Temperature')).toBe('°C');
    expect(unitOfName('humidity')).toBe('%');
    expect(unitOfName('speed')).toBeUndefined();
    expect(unitOfName('rpm')).toBeUndefined();
    expect(unitOf(12.5, [], 'shellies/shelly-plug-s-a1b2/relay/0/power')).toBe('W');
    expect(unitOf({ frames: [{ i: 3 }] }, ['frames', 0, 'i'], 't')).toBeUndefined();
  });

  it('writes the unit after the reading', () => {
    expect(withUnit('1457.8', 'W')).toBe('1457.8 W');
    expect(withUnit('3', undefined)).toBe('3');
  });
});
