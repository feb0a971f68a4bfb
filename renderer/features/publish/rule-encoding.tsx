import { useEffect, useState } from 'react';
import type { CodecRule } from '../../../shared/contract/codec-rules';
import { canEncode, describeProblem, encodeWithRule, useCodecsStore, useConnectionRules } from '../../stores/codecs-store';
import { formatBytes } from '../../payload/format';
import { translate, useTranslation } from '../../ui/i18n';
import { describeFormat } from '../codecs';
import { describeError } from '../../ui/errors';

/** Encoding typed JSON waits this long after the last keystroke. */
const ENCODE_DEBOUNCE_MS = 250;

export type RuleEncoding =
  | { state: 'none' }
  | { state: 'encoding'; text: string }
  | { state: 'ok'; text: string; bytes: Uint8Array }
  | { state: 'error'; text: string; message: string };

/** Encodes the editor's text with a rule (codecs.encode) as it is typed, so the size shows and Publish sends those bytes. */
export function useRuleEncoding(connectionId: string | undefined, ruleId: string | null, text: string): RuleEncoding {
  const [result, setResult] = useState<{ key: string; value: RuleEncoding } | null>(null);
  const key = `${connectionId ?? ''}\u0000${ruleId ?? ''}\u0000${text}`;
  useEffect(() => {
    if (!connectionId || !ruleId) return;
    let current = true;
    const timer = setTimeout(() => {
      void encodeText(connectionId, ruleId, text).then((value) => current && setResult({ key, value }));
    }, ENCODE_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [connectionId, ruleId, text, key]);
  if (!connectionId || !ruleId) return { state: 'none' };
  return result?.key === key ? result.value : { state: 'encoding', text };
}

/** One encode, as Publish needs it: the bytes, or why not (with the position when known). */
export async function encodeText(connectionId: string, ruleId: string, text: string): Promise<RuleEncoding> {
  try {
    const result = await encodeWithRule({ connectionId }, ruleId, text);
    if (!result.ok) return { state: 'error', text, message: `${result.error.code}: ${describeError(result.error)}` };
    if (!result.value.ok) return { state: 'error', text, message: describeProblem(result.value.problem) };
    return { state: 'ok', text, bytes: result.value.payload };
  } catch (error) {
    return { state: 'error', text, message: (error as Error).message };
  }
}

/** Picks a rule whose format encodes (Protobuf, Avro, CBOR, MessagePack, JSON, a layout; compressed as it says). */
export function EncodeRulePicker({ profileId, ruleId, onChange }: { profileId: string | undefined; ruleId: string | null; onChange(ruleId: string | null): void }) {
  const { t } = useTranslation('publish');
  const rules = useConnectionRules(profileId).filter(canEncode);
  const loaded = useCodecsStore((s) => s.globalLoaded);
  useEffect(() => {
    if (!loaded) void useCodecsStore.getState().loadGlobal();
  }, [loaded]);
  const chosen = ruleId !== null && !rules.some((r) => r.id === ruleId) ? null : ruleId;
  if (rules.length === 0 && chosen === null) return null;
  return (
    <select
      data-testid="publish-encode-rule"
      className={`publish-encode-rule${chosen ? ' active' : ''}`}
      aria-label={t('rule.label')}
      value={chosen ?? ''}
      title={t('rule.title')}
      onChange={(e) => onChange(e.target.value || null)}
    >
      <option value="">{t('rule.choose')}</option>
      {rules.map((rule: CodecRule) => (
        <option key={rule.id} value={rule.id}>
          {rule.name || rule.filter} · {describeFormat(rule, [])}
        </option>
      ))}
    </select>
  );
}

/** What the rule made of the text: its size, or where the text is wrong. */
export function RuleEncodingStatus({ encoding }: { encoding: RuleEncoding }) {
  const { t } = useTranslation('publish');
  if (encoding.state === 'none') return null;
  if (encoding.state === 'encoding') return <p className="hint" data-testid="publish-encoded">{t('rule.encoding')}</p>;
  if (encoding.state === 'error')
    return (
      <p className="error-box" role="alert" data-testid="publish-encode-error">
        {cannotEncode(encoding.message)}
      </p>
    );
  return (
    <p className="hint" data-testid="publish-encoded" data-bytes={encoding.bytes.byteLength}>
      {t('rule.encoded', { size: formatBytes(encoding.bytes.byteLength) })}
    </p>
  );
}

/** "Cannot encode: …", unless the codec's own message already says so ("Cannot encode as pkg.Type: …"). */
export function cannotEncode(message: string): string {
  return /^cannot encode\b/i.test(message) ? message : translate('publish:errors.cannotEncode', { message });
}
