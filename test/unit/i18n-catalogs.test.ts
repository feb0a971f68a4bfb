import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { formatNumber, i18n, LANGUAGES, resources, systemLanguage } from '../../renderer/ui/i18n';
import { ERROR_CODES, ERROR_REASONS } from '../../shared/contract/errors';

/** Every leaf of a catalog as 'a.b.c' -> string. */
function leaves(catalog: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalog as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') for (const [k, v] of leaves(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

/** Words that read the same in Chinese UI text (protocol names, units, formats). */
const SAME_IN_EVERY_LANGUAGE = /\b(mqtts?|qos|tls|ssl|json|cbor|messagepack|msgpack|base64|hex|utf-?8|protobuf|avro|sparkplug|sqlite|postgresql|websocket|tcp|url|id|ms|msg|kib|mib|gib|sys|yaml|xml|junit|tap|csv|ndjson|mosquitto|emqx|hivemq|ok)\b/gi;

const english = resources.en;
const namespaces = Object.keys(english) as (keyof typeof english)[];

describe('Languages: every catalog is complete (issue 20, "a test fails when a key is missing")', () => {
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    for (const ns of namespaces) {
      it(`${language} '${ns}' has every English key, none empty, the same placeholders, nothing left in English`, () => {
        const source = leaves(english[ns]);
        const translated = leaves(resources[language][ns]);
        expect([...translated.keys()].sort(), 'keys').toEqual([...source.keys()].sort());
        for (const [key, en] of source) {
          const text = translated.get(key);
          expect(typeof text, `${ns}:${key}`).toBe('string');
          expect((text as string).trim(), `${ns}:${key} is empty`).not.toBe('');
          expect(placeholders(text as string), `${ns}:${key} placeholders`).toEqual(placeholders(en as string));
          if (text === en) {
            const words = (en as string).replace(/\{\{[^}]*\}\}/g, '').replace(SAME_IN_EVERY_LANGUAGE, '');
            expect(words, `${ns}:${key} is still English: "${en}"`).not.toMatch(/[a-z]{3,}/i);
          }
        }
      });
    }
  }
});

describe('Languages: every error the core reports has its sentence in every language', () => {
  for (const language of LANGUAGES) {
    it(`${language} has a sentence for every ERROR_CODE and every error reason`, () => {
      const { code, reason } = resources[language].errors as { code: Record<string, string>; reason: Record<string, string> };
      expect(ERROR_CODES.filter((c) => !code[c]?.trim()), 'codes without a sentence').toEqual([]);
      expect(Object.keys(code).sort()).toEqual([...ERROR_CODES].sort());
      expect(ERROR_REASONS.filter((r) => !reason[r]?.trim()), 'reasons without a sentence').toEqual([]);
      expect(Object.keys(reason).sort()).toEqual([...ERROR_REASONS].sort());
    });
  }
});

describe('Languages: choice and formatting', () => {
  it("follows the OS: any Chinese locale reads Simplified Chinese, other languages English", () => {
    expect(systemLanguage(['zh-TW', 'en'])).toBe('zh-CN');
    expect(systemLanguage(['zh-CN'])).toBe('zh-CN');
    expect(systemLanguage(['de-DE', 'en-US'])).toBe('en');
    expect(systemLanguage(['fr-FR'])).toBe('en');
    expect(systemLanguage([])).toBe('en');
  });

  it('translates through the layer and formats numbers with Intl in the chosen language', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('common:cancel')).toBe('取消');
    expect(formatNumber(1234567.5)).toBe(new Intl.NumberFormat('zh-CN').format(1234567.5));
    await i18n.changeLanguage('en');
    expect(i18n.t('common:cancel')).toBe('Cancel');
    expect(formatNumber(1234567)).toBe('1,234,567');
  });
});

describe('Languages: the lint refuses a user-facing string outside the layer', () => {
  it('reports literal JSX text and title/placeholder/aria-label attributes, not test ids or class names', async () => {
    const eslint = new ESLint();
    const code = [
      'export function Probe() {',
      '  return <div title="Hello there" data-testid="probe" className="a">Some text <input placeholder="Type here" aria-label="Name" /> QoS 1</div>;',
      '}',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: 'renderer/features/i18n-lint-probe.tsx' });
    const reported = result!.messages.filter((m) => m.ruleId === 'i18next/no-literal-string').map((m) => m.message);
    expect(reported).toHaveLength(4);
    for (const text of ['title="Hello there"', 'Some text', 'placeholder="Type here"', 'aria-label="Name"']) {
      expect(reported.some((m) => m.includes(text)), text).toBe(true);
    }
  });
});
