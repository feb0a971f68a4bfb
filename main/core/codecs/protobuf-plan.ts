import protobuf from 'protobufjs';

/**
 * What the protobuf codec needs to know about a message type, worked out once per type (lazily, so a
 * schema of 500 types costs only for the types in use) and reused for every payload: decode and
 * encode are hot paths (a firehose of 20k messages a second), so nothing here is looked up by name
 * per message.
 */

/** Deepest message nesting read or written, as protoc's default recursion limit (and protobufjs'). */
export const MAX_NESTING = 100;

/** Protobuf wire types. */
export const WIRE = { varint: 0, i64: 1, len: 2, groupStart: 3, groupEnd: 4, i32: 5 } as const;

const SCALAR_WIRE: Record<string, number> = {
  double: WIRE.i64, float: WIRE.i32,
  int32: WIRE.varint, uint32: WIRE.varint, sint32: WIRE.varint, fixed32: WIRE.i32, sfixed32: WIRE.i32,
  int64: WIRE.varint, uint64: WIRE.varint, sint64: WIRE.varint, fixed64: WIRE.i64, sfixed64: WIRE.i64,
  bool: WIRE.varint, string: WIRE.len, bytes: WIRE.len,
};

export const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED_LONG_TYPES = new Set(['uint64', 'fixed64']);

/** The well-known types with a JSON form of their own (protobuf's JSON mapping). */
export type WellKnown =
  | 'Any' | 'Timestamp' | 'Duration' | 'Struct' | 'Value' | 'ListValue' | 'FieldMask' | 'Empty'
  | 'DoubleValue' | 'FloatValue' | 'Int64Value' | 'UInt64Value' | 'Int32Value' | 'UInt32Value'
  | 'BoolValue' | 'StringValue' | 'BytesValue';
const WELL_KNOWN = new Set<string>([
  'Any', 'Timestamp', 'Duration', 'Struct', 'Value', 'ListValue', 'FieldMask', 'Empty', 'DoubleValue', 'FloatValue',
  'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue',
]);

export type FieldKind = 'scalar' | 'enum' | 'message';

export interface FieldPlan {
  /** The property protobufjs reads and writes (an extension's is its full name, `.pkg.ext`). */
  readonly name: string;
  /** The key shown: the .proto name; an extension as protobuf's JSON mapping writes it, `[pkg.ext]`. */
  readonly displayName: string;
  /** lowerCamelCase, as protobuf's JSON mapping names fields; encode accepts it beside `name`. */
  readonly jsonName: string;
  readonly id: number;
  readonly kind: FieldKind;
  /** The scalar type (`int64`, `string`...), or the value type's scalar for a map. */
  readonly scalar: string;
  readonly long: boolean;
  readonly unsigned: boolean;
  readonly repeated: boolean;
  readonly map: boolean;
  readonly keyType: string;
  /** Wire type of one value (a map entry and a length-prefixed message: `len`; a group: `groupStart`). */
  readonly wireType: number;
  /** Repeated scalars may come packed (one `len` record) whatever the schema says. */
  readonly packable: boolean;
  /** Absent unless sent: message fields, oneof members, proto2/`optional`/editions-explicit scalars. */
  readonly presence: boolean;
  readonly required: boolean;
  readonly enumType: protobuf.Enum | undefined;
  /** proto2 enums (and editions' CLOSED) accept only their declared numbers. */
  readonly closedEnum: boolean;
  readonly messageType: protobuf.Type | undefined;
  /** A real oneof (proto3 `optional`'s synthetic oneof is not one). */
  readonly oneof: string | undefined;
  /** A field called `__proto__` must be defined, not assigned, on a plain object. */
  readonly unsafeName: boolean;
}

export interface TypePlan {
  readonly type: protobuf.Type;
  /** Without the leading dot, e.g. `factory.Telemetry`. */
  readonly fullName: string;
  readonly fields: readonly FieldPlan[];
  readonly byId: ReadonlyMap<number, FieldPlan>;
  /** The same by index, for field numbers up to 2048 (nearly all): the wire walk looks one up per field. */
  readonly byNumber: ReadonlyArray<FieldPlan | undefined>;
  /** Field by its .proto name and by its JSON name. */
  readonly byKey: ReadonlyMap<string, FieldPlan>;
  readonly required: readonly FieldPlan[];
  /** Members of each real oneof that has more than one, for the rare payload that sets several. */
  readonly oneofs: ReadonlyArray<readonly FieldPlan[]>;
  readonly wellKnown: WellKnown | undefined;
}

const plans = new WeakMap<protobuf.Type, TypePlan>();

interface Features {
  enum_type?: string;
}
function featuresOf(object: protobuf.ReflectionObject): Features {
  return (object as unknown as { _features?: Features })._features ?? {};
}

function lowerCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function planField(field: protobuf.Field): FieldPlan {
  field.resolve();
  const resolved = field.resolvedType;
  const map = field instanceof protobuf.MapField;
  const kind: FieldKind = resolved instanceof protobuf.Type ? 'message' : resolved instanceof protobuf.Enum ? 'enum' : 'scalar';
  const scalar = kind === 'scalar' ? field.type : kind;
  const oneof = field.partOf && !field.partOf.isProto3Optional ? field.partOf.name : undefined;
  let wireType: number;
  if (map) wireType = WIRE.len;
  else if (kind === 'message') wireType = field.delimited ? WIRE.groupStart : WIRE.len;
  else if (kind === 'enum') wireType = WIRE.varint;
  else wireType = SCALAR_WIRE[field.type] ?? WIRE.len;
  return {
    name: field.name,
    displayName: field.name.startsWith('.') ? `[${field.name.slice(1)}]` : field.name,
    jsonName: field.options?.json_name ? String(field.options.json_name) : lowerCamel(field.name),
    id: field.id,
    kind,
    scalar,
    long: LONG_TYPES.has(scalar),
    unsigned: UNSIGNED_LONG_TYPES.has(scalar),
    repeated: field.repeated && !map,
    map,
    keyType: map ? (field as protobuf.MapField).keyType : '',
    wireType,
    packable: !map && field.repeated && kind !== 'message' && scalar !== 'string' && scalar !== 'bytes',
    presence: !map && field.hasPresence,
    required: field.required,
    enumType: resolved instanceof protobuf.Enum ? resolved : undefined,
    closedEnum: resolved instanceof protobuf.Enum && featuresOf(resolved).enum_type === 'CLOSED',
    messageType: resolved instanceof protobuf.Type ? resolved : undefined,
    oneof,
    unsafeName: field.name === '__proto__',
  };
}

const MAX_INDEXED_FIELD = 2048;

function numbered(fields: FieldPlan[]): Array<FieldPlan | undefined> {
  const out: Array<FieldPlan | undefined> = [];
  for (const field of fields) if (field.id <= MAX_INDEXED_FIELD) out[field.id] = field;
  // Dense from 0, so reads stay on the fast path.
  for (let i = 0; i < out.length; i++) out[i] ??= undefined;
  return out;
}

/** A field by number. */
export function fieldByNumber(plan: TypePlan, id: number): FieldPlan | undefined {
  return id <= MAX_INDEXED_FIELD ? plan.byNumber[id] : plan.byId.get(id);
}

function oneofGroups(fields: FieldPlan[]): FieldPlan[][] {
  const groups = new Map<string, FieldPlan[]>();
  for (const field of fields) if (field.oneof) groups.set(field.oneof, [...(groups.get(field.oneof) ?? []), field]);
  return [...groups.values()].filter((members) => members.length > 1);
}

/** The plan of a type, made on first use. */
export function planOf(type: protobuf.Type): TypePlan {
  let plan = plans.get(type);
  if (plan) return plan;
  const fields = type.fieldsArray.map(planField);
  const byKey = new Map<string, FieldPlan>();
  for (const field of fields) byKey.set(field.jsonName, field);
  // The .proto name wins over another field's JSON name.
  for (const field of fields) {
    byKey.set(field.name, field);
    byKey.set(field.displayName, field);
  }
  const fullName = type.fullName.replace(/^\./, '');
  const simple = fullName.startsWith('google.protobuf.') ? fullName.slice('google.protobuf.'.length) : '';
  plan = {
    type,
    fullName,
    fields,
    byId: new Map(fields.map((field) => [field.id, field])),
    byNumber: numbered(fields),
    byKey,
    required: fields.filter((field) => field.required),
    oneofs: oneofGroups(fields),
    wellKnown: WELL_KNOWN.has(simple) ? (simple as WellKnown) : undefined,
  };
  plans.set(type, plan);
  return plan;
}

/** The plan of a message field's type. */
export function subPlan(field: FieldPlan): TypePlan {
  return planOf(field.messageType!);
}

/** A well-known type's field by number (protobufjs' bundled definitions name some camelCase, a user's copy snake_case). */
export function wellKnownField(plan: TypePlan, id: number): FieldPlan {
  const field = plan.byId.get(id);
  if (!field) throw new Error(`${plan.fullName} has no field ${id}`);
  return field;
}

/** Sets a property on a plain object, safely for the name `__proto__`. */
export function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
