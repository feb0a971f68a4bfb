/** Pure renderer logic of saved messages, type-checked with the renderer (tsconfig.web.json), no DOM needed. */
import { afterEach, describe, expect, it } from 'vitest';
import { type MessageTemplate, messageTemplate } from '../../shared/contract';
import { expandTemplate } from '../../shared/templates/message-template';
import { searchMessages, visibleCollections } from '../../renderer/features/collections/search';
import { INITIAL_PROPERTIES, checkProperties } from '../../renderer/features/publish/publish-properties';
import { templateToDraft, toTemplate } from '../../renderer/features/publish/saved-template';
import { i18n } from '../../renderer/ui/i18n';

/** The publish form and a saved message, one into the other: what is loaded back is what was saved. */
describe('publish form <-> saved message', () => {
  it('round-trips every field and MQTT 5 property the publish panel has', () => {
    const template: MessageTemplate = messageTemplate.parse({
      topic: 'plant/{{site}}/cmd',
      payload: 'a1 {{seq}}',
      format: 'hex',
      qos: 2,
      retain: true,
      variables: true,
      properties: {
        payloadFormatIndicator: false,
        messageExpiryInterval: 30,
        contentType: 'application/octet-stream',
        responseTopic: 'plant/{{site}}/reply',
        correlationData: 'req-{{uuid}}',
        correlationDataFormat: 'text',
        userProperties: [{ key: 'a', value: '1' }],
        topicAlias: 4,
      },
    });
    const draft = templateToDraft(template);
    const back = toTemplate({ topic: draft.topic!, qos: draft.qos!, retain: draft.retain!, mode: draft.mode!, payload: draft.payload!, properties: draft.properties!, variablesOn: draft.variablesOn });
    expect(back).toEqual({ ok: true, template });
  });

  it('leaves properties out when none is set, and refuses a form that cannot be saved', () => {
    const plain = toTemplate({ topic: 't', qos: 0, retain: false, mode: 'text', payload: 'x', properties: INITIAL_PROPERTIES });
    expect(plain).toEqual({ ok: true, template: { topic: 't', payload: 'x', format: 'text', qos: 0, retain: false, variables: false } });
    expect(toTemplate({ topic: 't', qos: 0, retain: false, mode: 'text', payload: '', properties: { ...INITIAL_PROPERTIES, messageExpiry: 'soon' } })).toEqual({ ok: false, error: 'Properties: Expiry (s): Enter a number' });
  });

  describe('says why in the UI language (zod and the hex codec word their problems in English)', () => {
    afterEach(async () => {
      await i18n.changeLanguage('en');
    });
    const saving = (properties: Partial<typeof INITIAL_PROPERTIES>) => toTemplate({ topic: 't', qos: 0, retain: false, mode: 'text', payload: '', properties: { ...INITIAL_PROPERTIES, ...properties } });

    it('in English: the property by its label, the problem in words', () => {
      expect(saving({ topicAlias: '0' })).toEqual({ ok: false, error: 'Properties: Topic alias: At least 1' });
      expect(saving({ messageExpiry: '1.5' })).toEqual({ ok: false, error: 'Properties: Expiry (s): Enter a whole number' });
      expect(checkProperties({ ...INITIAL_PROPERTIES, topicAlias: '70000' })).toEqual({ ok: false, problems: { topicAlias: 'At most 65535' } });
      expect(checkProperties({ ...INITIAL_PROPERTIES, correlationHex: '0a f' })).toEqual({ ok: false, problems: { correlationData: 'Odd hex digit at position 3: a byte needs two digits' } });
      expect(checkProperties({ ...INITIAL_PROPERTIES, correlationHex: '0g' })).toEqual({ ok: false, problems: { correlationData: "Invalid hex character 'g' at position 1" } });
    });

    it('in Simplified Chinese', async () => {
      await i18n.changeLanguage('zh-CN');
      expect(saving({ messageExpiry: 'soon' })).toEqual({ ok: false, error: '属性：过期时间（秒）：请输入数字' });
      expect(saving({ topicAlias: '0' })).toEqual({ ok: false, error: '属性：主题别名：至少为 1' });
      expect(checkProperties({ ...INITIAL_PROPERTIES, messageExpiry: 'x' })).toEqual({ ok: false, problems: { messageExpiryInterval: '请输入数字' } });
      expect(checkProperties({ ...INITIAL_PROPERTIES, correlationHex: '0g' })).toEqual({ ok: false, problems: { correlationData: '第 1 位的字符“g”不是十六进制字符' } });
    });
  });

  it('sends text correlation data as its UTF-8 bytes, from the form as from a saved message', () => {
    const form = { ...INITIAL_PROPERTIES, correlationHex: 'req-1', correlationFormat: 'text' as const };
    expect(checkProperties(form)).toEqual({ ok: true, properties: { correlationData: new TextEncoder().encode('req-1') } });
    const made = toTemplate({ topic: 't', qos: 0, retain: false, mode: 'text', payload: '', properties: form });
    expect(made.ok && expandTemplate(made.template, {})).toMatchObject({ ok: true, message: { properties: { correlationData: new TextEncoder().encode('req-1') } } });
  });
});

describe('collections search', () => {
  const message = (name: string, topic: string, payload: string) => ({ id: name, name, topic, payload, format: 'text' as const, qos: 0 as const, retain: false, variables: true });
  const messages = [message('Lights on', 'home/light', '{"on": true}'), message('Temp', 'plant/t', '21.5'), message('Other', 'x', 'LIGHTS')];

  it('finds by name, topic or payload, case-insensitive, in the saved order', () => {
    expect(searchMessages(messages, 'lights').map((m) => m.name)).toEqual(['Lights on', 'Other']);
    expect(searchMessages(messages, 'plant/').map((m) => m.name)).toEqual(['Temp']);
    expect(searchMessages(messages, '"on"').map((m) => m.name)).toEqual(['Lights on']);
    expect(searchMessages(messages, '  ')).toHaveLength(3);
  });

  it("shows the shared collections and the active profile's own, not another profile's", () => {
    const c = (id: string, profileId?: string) => ({ id, name: id, folders: [], messages: [], ...(profileId ? { profileId } : {}) });
    expect(visibleCollections([c('mine', 'p1'), c('shared'), c('theirs', 'p2')], 'p1').map((x) => x.id)).toEqual(['shared', 'mine']);
    expect(visibleCollections([c('mine', 'p1'), c('shared')], undefined).map((x) => x.id)).toEqual(['shared']);
  });
});
