/**
 * The starter code the automation editors open with (issue 20, "Languages"): a responder, the
 * script test pane's decoder, a scripted check, and the built-in scenarios' words. The code is the
 * same in every language; only its comments and the strings meant for people (log labels, names,
 * descriptions) come from the 'automation' catalog. Each is made with the `t` of the moment it is
 * inserted, so a saved responder keeps the language it was written in.
 * test/integration/localized-samples.test.ts runs each in every language and expects one result.
 */
import type { TFunction } from 'i18next';

type T = TFunction<'automation'>;

/** One line of a `//` or `#` comment (a translation never ends the comment early with a new line). */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
/** A string literal for JavaScript. */
const jsString = (text: string) => JSON.stringify(text);
/** A YAML scalar: plain when YAML reads it as written, double-quoted (JSON's escapes are YAML's) otherwise. */
export function yamlText(text: string): string {
  const plain = text === text.trim() && text !== '' && !/[\n\r\t]|: |:$| #/.test(text) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(text);
  return plain ? text : JSON.stringify(text);
}

/** A new responder's script: answers every request with what it received. */
export function responderSample(t: T): string {
  return [
    `// ${oneLine(t('samples.responder.calledFor'))}`,
    `// ${oneLine(t('samples.responder.noTopic'))}`,
    'function respond(message) {',
    `  log(${jsString(t('samples.responder.logRequest'))}, message.topic, message.text);`,
    '  return { payload: { ok: true, received: message.json } };',
    '}',
    '',
  ].join('\n');
}

/** What the script test pane opens with: a decoder of JSON text. */
export function scriptTestSample(t: T): string {
  return [
    `// ${oneLine(t('samples.scriptTest.paste'))}`,
    'function decode(payload, message) {',
    '  const text = utf8Decode(payload);',
    `  log(${jsString(t('samples.scriptTest.logDecoding'))}, payload.length, ${jsString(t('samples.scriptTest.logBytesOn'))}, message.topic);`,
    '  return JSON.parse(text);',
    '}',
    '',
  ].join('\n');
}

/** What the scripted checks open with: a thermostat that must echo its setpoint and stay quiet on errors. */
export function checkSample(t: T): string {
  return [
    `name: ${yamlText(t('samples.check.name'))}`,
    'steps:',
    `  - connect: { host: 127.0.0.1, port: 1883 }   # ${oneLine(t('samples.check.or'))} { profile: ${JSON.stringify(t('samples.check.profile'))} }`,
    "  - subscribe: { topic: 'therm/+/ack', qos: 1 }",
    '  - publish: { topic: therm/1/ack, payload: { setpoint: 21 }, qos: 1 }',
    '  - expect: { topic: therm/1/ack, json: { setpoint: 21 }, within: 2000 }',
    '  - expectNone: { topic: therm/1/error, within: 300 }',
    '',
  ].join('\n');
}

/** The built-in scenarios (the core's, by name) whose words the catalog has. */
const BUILT_IN_KEYS = { 'sensor-fleet': 'sensorFleet', 'smart-home': 'smartHome', 'vehicle-telemetry': 'vehicleTelemetry', 'sparkplug-edge-node': 'sparkplugEdgeNode' } as const;
type BuiltInName = keyof typeof BUILT_IN_KEYS;
const isBuiltIn = (name: string): name is BuiltInName => Object.hasOwn(BUILT_IN_KEYS, name);

/** A built-in scenario's description in the UI's language (undefined for a name the catalog does not have). */
export function builtInDescription(name: string, t: T): string | undefined {
  return isBuiltIn(name) ? t(`samples.builtIns.${BUILT_IN_KEYS[name]}.description`) : undefined;
}

/**
 * A built-in scenario's YAML (as the core serves it, in English) with its heading comment, its
 * description and its script's comment in the UI's language; every other line as it is.
 */
export function localizeBuiltIn(name: string, text: string, t: T): string {
  if (!isBuiltIn(name)) return text;
  const key = BUILT_IN_KEYS[name];
  let heading = false;
  let scriptComment = false;
  return text
    .split('\n')
    .map((line) => {
      if (!heading && line.startsWith('# ')) {
        heading = true;
        return `# ${oneLine(t(`samples.builtIns.${key}.heading`))}`;
      }
      if (line.startsWith('description: ')) return `description: ${yamlText(t(`samples.builtIns.${key}.description`))}`;
      const comment = /^(\s+)\/\/ /.exec(line);
      if (comment && key === 'vehicleTelemetry' && !scriptComment) {
        scriptComment = true;
        return `${comment[1]}// ${oneLine(t('samples.builtIns.vehicleTelemetry.script'))}`;
      }
      return line;
    })
    .join('\n');
}
