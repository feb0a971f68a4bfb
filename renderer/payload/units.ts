import type { JsonPath } from './json-paths';

/**
 * The unit of a plotted number, when the message says it. A small rule, first match wins:
 *   1. a unit field beside the value: `{"value": 21.5, "unit": "°C"}` (`unit`, `units`, or
 *      `<key>_unit`/`<key>Unit` for the key plotted), a short string;
 *   2. a `unit=` parameter of the MQTT 5 content type (`text/plain; unit=W`);
 *   3. the key's suffix after `_` or `-` (`temp_c` °C, `power_w` W, `battery_pct` %; the table below);
 *   4. the key itself when it names a quantity with one usual unit (temperature °C, humidity %,
 *      power W, voltage V, current A, battery %); for a payload that is a bare number, the topic's
 *      last level is its name (`.../relay/0/power` W).
 * Anything else has no unit: a wrong unit is worse than none.
 */

/** Suffixes after `_` or `-`, lower case. */
const SUFFIXES: Record<string, string> = {
  c: '°C',
  celsius: '°C',
  degc: '°C',
  f: '°F',
  fahrenheit: '°F',
  w: 'W',
  kw: 'kW',
  wh: 'Wh',
  kwh: 'kWh',
  v: 'V',
  mv: 'mV',
  a: 'A',
  ma: 'mA',
  pct: '%',
  percent: '%',
  hz: 'Hz',
  pa: 'Pa',
  hpa: 'hPa',
  kpa: 'kPa',
  ms: 'ms',
  s: 's',
  sec: 's',
  rpm: 'rpm',
  db: 'dB',
  dbm: 'dBm',
  lux: 'lx',
  ppm: 'ppm',
};

/** Whole names, lower case. */
const NAMES: Record<string, string> = {
  temperature: '°C',
  temp: '°C',
  humidity: '%',
  power: 'W',
  voltage: 'V',
  current: 'A',
  battery: '%',
  illuminance: 'lx',
  rssi: 'dBm',
};

/** A unit a payload states is shown as it is, if it is short and plain. */
const STATED_UNIT = /^[^\s"'<>]{1,12}$/;

function stated(value: unknown): string | undefined {
  return typeof value === 'string' && STATED_UNIT.test(value.trim()) ? value.trim() : undefined;
}

function parentOf(parsed: unknown, path: JsonPath): unknown {
  let at = parsed;
  for (const part of path.slice(0, -1)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[part];
  }
  return at;
}

/** The unit a name implies: its suffix, else the name itself (see the rule above). */
export function unitOfName(name: string): string | undefined {
  const lower = name.toLowerCase();
  const suffix = /[_-]([a-z]+)$/.exec(lower)?.[1];
  if (suffix && SUFFIXES[suffix]) return SUFFIXES[suffix];
  return NAMES[lower];
}

export function unitOf(parsed: unknown, path: JsonPath, topic: string, contentType?: string): string | undefined {
  const key = path.at(-1);
  if (typeof key === 'string') {
    const parent = parentOf(parsed, path);
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
      const fields = parent as Record<string, unknown>;
      const own = stated(fields[`${key}_unit`]) ?? stated(fields[`${key}Unit`]);
      if (own) return own;
      // A shared `unit` belongs to the value beside it, not to every number of the object.
      const numbers = Object.values(fields).filter((v) => typeof v === 'number').length;
      const shared = stated(fields.unit) ?? stated(fields.units);
      if (shared && numbers === 1) return shared;
    }
  }
  const fromType = contentType ? /;\s*unit\s*=\s*"?([^";]+)"?/i.exec(contentType)?.[1] : undefined;
  if (fromType && stated(fromType)) return fromType.trim();
  const name = typeof key === 'string' ? key : key === undefined ? topic.slice(topic.lastIndexOf('/') + 1) : undefined;
  return name ? unitOfName(name) : undefined;
}

/** A reading with its unit: "21.5 °C", "1457.8 W", "80 %" ("%" and "°C" spaced, as SI writes them). */
export function withUnit(reading: string, unit: string | undefined): string {
  return unit ? `${reading} ${unit}` : reading;
}
