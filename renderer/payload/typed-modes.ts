import { TYPED_VIEW_TYPES, type TypedViewType } from '../../shared/contract/codec-rules';
import { typedView, typedViewShape } from '../../shared/codecs/typed-view';
import { formatNumber, translate } from '../ui/i18n';

/**
 * MQTT Explorer's quick typed views (issue 16): a binary payload read as an array of one number
 * type in one byte order, chosen in the detail's format list like hex or Base64 (a codec rule of
 * format "typed" does the same for every message of a topic).
 */
export type TypedMode = `${TypedViewType}-${'be' | 'le'}`;

export const TYPED_MODES: readonly TypedMode[] = TYPED_VIEW_TYPES.flatMap((type) =>
  type === 'int8' || type === 'uint8' ? [`${type}-be` as TypedMode] : [`${type}-be` as TypedMode, `${type}-le` as TypedMode],
);

export function isTypedMode(mode: string): mode is TypedMode {
  return (TYPED_MODES as readonly string[]).includes(mode);
}

function parseTypedMode(mode: TypedMode): { type: TypedViewType; littleEndian: boolean } {
  const [type, order] = mode.split('-') as [TypedViewType, 'be' | 'le'];
  return { type, littleEndian: order === 'le' };
}

/** "uint16, little endian"; one-byte types have no byte order. */
export function typedModeLabel(mode: TypedMode): string {
  const { type, littleEndian } = parseTypedMode(mode);
  if (type === 'int8' || type === 'uint8') return translate('payload:typed.array', { type });
  return translate(littleEndian ? 'payload:typed.little' : 'payload:typed.big', { type });
}

/** Elements shown at most: an array of millions would stall the editor (saving keeps every byte). */
export const TYPED_MAX_ELEMENTS = 65_536;

/** The payload as a JSON array of numbers (64-bit ones exact), with what was left out said plainly. */
export function renderTyped(bytes: Uint8Array, mode: TypedMode): { text: string; cut?: string } {
  const { type, littleEndian } = parseTypedMode(mode);
  const { count, leftover } = typedViewShape(bytes, type);
  const values = typedView(bytes, type, littleEndian, TYPED_MAX_ELEMENTS);
  const text = `[${values.map((value) => (typeof value === 'bigint' ? value.toString() : Number.isFinite(value) ? String(value) : `"${value}"`)).join(', ')}]`;
  const notes: string[] = [];
  if (values.length < count) notes.push(translate('payload:typed.showingValues', { shown: formatNumber(values.length), total: formatNumber(count) }));
  if (leftover > 0) notes.push(translate('payload:typed.leftover', { count: leftover, type }));
  return notes.length > 0 ? { text, cut: notes.join('; ') } : { text };
}
