import type { CodecFormat, CodecFormatKind, CodecRule, CodecSchema, SchemaKind } from '../../../shared/contract/codec-rules';
import { translate } from '../../ui/i18n';

/** The formats a rule may pick, in the order the picker lists them (names: codecs:format.<kind>). */
export const FORMAT_KINDS: readonly CodecFormatKind[] = ['auto', 'json', 'text', 'cbor', 'msgpack', 'sparkplug', 'protobuf', 'avro', 'layout', 'typed', 'image', 'raw', 'script'];

/** A format's name in the UI language. */
export function formatName(kind: CodecFormatKind): string {
  return translate(`codecs:format.${kind}`);
}

/** A schema kind's name in the UI language. */
export function schemaKindName(kind: SchemaKind): string {
  return translate(`codecs:schemaKind.${kind}`);
}

/** The layout language in a few lines, shown under its field (shared/codecs/binary-layout.ts has the whole of it). */
export { LAYOUT_HELP as LAYOUT_HINT } from '../../../shared/codecs/binary-layout';

/** A fresh id from a name: ids are letters, digits, _ . and - (codecId), unique among `taken`. */
export function newId(base: string, taken: readonly string[]): string {
  const stem = base.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'rule';
  let id = stem;
  for (let n = 2; taken.includes(id); n++) id = `${stem}-${n}`;
  return id;
}

/** The format a rule gets when the user picks a kind, keeping what still applies of the old one. */
export function formatOfKind(kind: CodecFormatKind, schemas: readonly CodecSchema[], previous?: CodecFormat): CodecFormat {
  const firstOf = (schemaKind: SchemaKind) => schemas.find((s) => s.kind === schemaKind)?.id ?? '';
  switch (kind) {
    case 'protobuf':
      return previous?.kind === 'protobuf' ? previous : { kind, schemaId: firstOf('protobuf'), messageType: '' };
    case 'avro':
      return previous?.kind === 'avro' ? previous : { kind, schemaId: firstOf('avro'), wire: 'datum' };
    case 'layout':
      return previous?.kind === 'layout' ? previous : { kind, layout: '' };
    case 'typed':
      return previous?.kind === 'typed' ? previous : { kind, type: 'float', littleEndian: false };
    case 'script':
      return previous?.kind === 'script' ? previous : { kind, schemaId: firstOf('javascript') };
    default:
      return { kind };
  }
}

/** One line about a rule's format, for its row in the list. */
export function describeFormat(rule: CodecRule, schemas: readonly CodecSchema[]): string {
  const format = rule.format;
  const schemaName = (id: string) => schemas.find((s) => s.id === id)?.name ?? translate('codecs:describe.missingSchema', { id });
  let text: string;
  switch (format.kind) {
    case 'protobuf':
      text = translate('codecs:describe.protobuf', { type: format.messageType || translate('codecs:describe.noType'), schema: schemaName(format.schemaId) });
      break;
    case 'avro':
      text = translate(format.wire === 'confluent' ? 'codecs:describe.avroConfluent' : 'codecs:describe.avro', { schema: schemaName(format.schemaId) });
      break;
    case 'layout':
      text = translate('codecs:describe.layout', { layout: format.layout.length > 40 ? `${format.layout.slice(0, 40)}…` : format.layout });
      break;
    case 'typed':
      text = translate(format.littleEndian ? 'codecs:describe.typedLittle' : 'codecs:describe.typedBig', { type: format.type });
      break;
    default:
      text = formatName(format.kind);
  }
  if (rule.encoding !== 'none') text = `${rule.encoding} + ${text}`;
  if (rule.jsonSchemaId) text += translate('codecs:describe.checkedBy', { schema: schemaName(rule.jsonSchemaId) });
  return text;
}

/** What is missing before a rule can be saved (the host checks the rest), or null. */
export function ruleProblem(rule: CodecRule, schemas: readonly CodecSchema[]): string | null {
  if (rule.filter.trim() === '') return translate('codecs:problem.filterRequired');
  const format = rule.format;
  if (format.kind === 'protobuf') {
    if (!schemas.some((s) => s.id === format.schemaId && s.kind === 'protobuf')) return translate('codecs:problem.pickProtobuf');
    if (!format.messageType) return translate('codecs:problem.pickType');
  }
  if (format.kind === 'avro' && !schemas.some((s) => s.id === format.schemaId && s.kind === 'avro')) return translate('codecs:problem.pickAvro');
  if (format.kind === 'layout' && format.layout.trim() === '') return translate('codecs:problem.writeLayout');
  if (format.kind === 'script' && !schemas.some((s) => s.id === format.schemaId && s.kind === 'javascript')) return translate('codecs:problem.pickScript');
  return null;
}

/** The schema kind a file's name suggests. */
export function schemaKindOfFile(name: string, text: string): SchemaKind {
  if (/\.proto$/i.test(name)) return 'protobuf';
  if (/\.avsc$/i.test(name)) return 'avro';
  if (/\.[cm]?js$/i.test(name)) return 'javascript';
  // A .json file: JSON Schema says so with $schema or has properties/type without Avro's fields.
  if (/"\$schema"\s*:/.test(text)) return 'json-schema';
  if (/"type"\s*:\s*"record"/.test(text)) return 'avro';
  return /syntax\s*=|message\s+\w+\s*\{/.test(text) ? 'protobuf' : 'json-schema';
}
