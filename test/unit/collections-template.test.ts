import { describe, expect, it } from 'vitest';
import { messageTemplate } from '../../shared/contract';
import { expandTemplate, mergeVariables } from '../../shared/templates/message-template';

/** A saved message expanded for sending: variables in the topic, payload and MQTT 5 properties, then encoded. */
const NOW = Date.UTC(2026, 11, 7, 17, 30, 5, 123);
const context = { seq: 7, now: () => NOW, random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000', variables: { site: 'berlin', line: '3' } };
const template = (fields: Record<string, unknown>) => messageTemplate.parse({ topic: 't', payload: '', ...fields });

describe('expandTemplate', () => {
  it('expands the topic, the payload and the text properties from one reading of the clock', () => {
    let reads = 0;
    const result = expandTemplate(
      template({
        topic: 'plant/{{site}}/line/{{line}}',
        payload: '{"n": {{seq}}, "at": "{{now.iso}}"}',
        format: 'json',
        qos: 1,
        retain: true,
        properties: {
          contentType: 'application/{{site}}+json',
          responseTopic: 'reply/{{site}}/{{seq}}',
          correlationData: 'req-{{seq}}',
          correlationDataFormat: 'text',
          userProperties: [{ key: 'site-{{line}}', value: '{{site}} at {{now}}' }],
          messageExpiryInterval: 60,
        },
      }),
      { ...context, now: () => (reads++, NOW) },
    );
    expect(reads).toBe(1);
    expect(result).toEqual({
      ok: true,
      message: {
        topic: 'plant/berlin/line/3',
        payload: new TextEncoder().encode('{"n": 7, "at": "2026-12-07T17:30:05.123Z"}'),
        qos: 1,
        retain: true,
        properties: {
          contentType: 'application/berlin+json',
          responseTopic: 'reply/berlin/7',
          correlationData: new TextEncoder().encode('req-7'),
          userProperties: [{ key: 'site-3', value: `berlin at ${NOW}` }],
          messageExpiryInterval: 60,
        },
      },
    });
  });

  it('encodes the payload in its format after expanding, and hex correlation data by default', () => {
    const result = expandTemplate(template({ payload: '0{{seq}} ff', format: 'hex', properties: { correlationData: 'ab{{line}}3' } }), context);
    expect(result).toMatchObject({ ok: true, message: { payload: Uint8Array.from([0x07, 0xff]), properties: { correlationData: Uint8Array.from([0xab, 0x33]) } } });
  });

  it('sends the text as written when variables are off', () => {
    expect(expandTemplate(template({ topic: 'a/{{b}}', payload: '{{x}}', variables: false }), context)).toMatchObject({ ok: true, message: { topic: 'a/{{b}}' } });
  });

  it('says where a variable is wrong: the part, line and column', () => {
    expect(expandTemplate(template({ payload: '{\n  "x": {{nope}}\n}' }), context)).toEqual({ ok: false, error: 'Variables in the payload at line 2, column 10: Unknown variable: nope' });
    expect(expandTemplate(template({ properties: { userProperties: [{ key: 'k', value: 'v' }, { key: '{{nope}}', value: 'v' }] } }), context)).toEqual({
      ok: false,
      error: 'Variables in the user property 2 name at column 3: Unknown variable: nope',
    });
    expect(expandTemplate(template({ topic: 'a/{{pick "+" "+"}}' }), context)).toMatchObject({ ok: false, error: expect.stringMatching(/^Topic: /) });
    expect(expandTemplate(template({ payload: '{"a": }', format: 'json' }), context)).toMatchObject({ ok: false, error: expect.stringMatching(/^Payload \(json\) at line 1/) });
  });

  it('lets a later variable set win and never overrides a built-in', () => {
    expect(mergeVariables({ site: 'a', line: '1' }, { site: 'b' }, { line: '2', uuid: 'x' })).toEqual({ site: 'b', line: '2' });
  });
});
