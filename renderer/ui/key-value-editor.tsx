import { useTranslation } from './i18n';
import './key-value-editor.css';
export interface KeyValue {
  key: string;
  value: string;
}

/** The contract allows at most this many user properties; the editor never renders more. */
export const MAX_PAIRS = 1000;

/**
 * An ordered key/value list (MQTT 5 user properties keep their order [MQTT-3.3.2-18], and keys may
 * repeat). Rows can be added, removed and moved up.
 */
export function KeyValueEditor({ pairs, onChange, testId, keyLabel, valueLabel }: { pairs: KeyValue[]; onChange(pairs: KeyValue[]): void; testId: string; keyLabel?: string; valueLabel?: string }) {
  const { t } = useTranslation('common');
  keyLabel ??= t('keyValue.key');
  valueLabel ??= t('keyValue.value');
  const set = (index: number, change: Partial<KeyValue>) => onChange(pairs.map((p, i) => (i === index ? { ...p, ...change } : p)));
  const remove = (index: number) => onChange(pairs.filter((_, i) => i !== index));
  const moveUp = (index: number) => {
    if (index === 0) return;
    const next = [...pairs];
    [next[index - 1], next[index]] = [next[index]!, next[index - 1]!];
    onChange(next);
  };
  return (
    <div className="kv-editor" data-testid={testId}>
      {pairs.slice(0, MAX_PAIRS).map((pair, index) => (
        <div className="kv-row" key={index} data-testid={`${testId}-row`}>
          <input data-testid={`${testId}-key`} value={pair.key} placeholder={keyLabel} spellCheck={false} aria-label={t('keyValue.nth', { label: keyLabel, n: String(index + 1) })} onChange={(e) => set(index, { key: e.target.value })} />
          <input data-testid={`${testId}-value`} value={pair.value} placeholder={valueLabel} spellCheck={false} aria-label={t('keyValue.nth', { label: valueLabel, n: String(index + 1) })} onChange={(e) => set(index, { value: e.target.value })} />
          <button type="button" className="icon-button" title={t('keyValue.moveUp')} aria-label={t('keyValue.moveUp')} disabled={index === 0} onClick={() => moveUp(index)}>
            ↑
          </button>
          <button type="button" className="icon-button" data-testid={`${testId}-remove`} title={t('keyValue.remove')} aria-label={t('keyValue.remove')} onClick={() => remove(index)}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="link-button" data-testid={`${testId}-add`} disabled={pairs.length >= MAX_PAIRS} onClick={() => onChange([...pairs, { key: '', value: '' }])}>
        {t('keyValue.add')}
      </button>
    </div>
  );
}
