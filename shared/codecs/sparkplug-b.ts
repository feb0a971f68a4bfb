import { type Field, ProtobufReader, WIRE, read } from './protobuf-reader';

/**
 * Sparkplug B payloads (Eclipse Sparkplug 3.0, the `spBv1.0/` topic namespace), decoded from
 * their protobuf bytes into plain objects for the detail's JSON view, as MQTT Explorer shows them.
 * The schema is Sparkplug's `Payload` message; field numbers are given beside each read. Signed
 * integer metrics travel as unsigned protobuf fields and are turned back into signed values by
 * their datatype; 64-bit values stay BigInt, so no digit is rounded away.
 */

/** Sparkplug 3.0 DataType enum, by number. */
export const SPARKPLUG_DATATYPES = [
  'Unknown', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String',
  'DateTime', 'Text', 'UUID', 'DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList', 'Int8Array', 'Int16Array',
  'Int32Array', 'Int64Array', 'UInt8Array', 'UInt16Array', 'UInt32Array', 'UInt64Array', 'FloatArray', 'DoubleArray', 'BooleanArray',
  'StringArray', 'DateTimeArray',
] as const;

/** Sparkplug B messages live under this topic namespace; `auto` decodes them as Sparkplug. */
export const SPARKPLUG_B_NAMESPACE = 'spBv1.0/';

/** A topic whose payloads are Sparkplug B protobuf: the namespace, except STATE (JSON since 3.0). */
export function isSparkplugTopic(topic: string): boolean {
  return topic.startsWith(SPARKPLUG_B_NAMESPACE) && !topic.startsWith(`${SPARKPLUG_B_NAMESPACE}STATE/`);
}

type Decoded = Record<string, unknown>;

function typeName(type: number): string {
  return SPARKPLUG_DATATYPES[type] ?? `Unknown(${type})`;
}

/** Each field of a message, in order. */
function* fields(bytes: Uint8Array): Generator<Field> {
  const reader = new ProtobufReader(bytes);
  while (!reader.done()) yield reader.next();
}

/** A repeated uint32, packed (proto3) or not (proto2). */
function uint32s(field: Field): number[] {
  if (field.wireType !== WIRE.len) return [read.uint32(field)];
  const out: number[] = [];
  const reader = new ProtobufReader(read.bytes(field));
  // Packed: the bytes are varints back to back, without field keys.
  while (!reader.done()) out.push(Number(reader.varint() & 0xffff_ffffn));
  return out;
}

/** An integer carried as uint32 (int_value), signed back by its datatype. */
function int32ByType(value: number, type: number): number {
  switch (typeName(type)) {
    case 'Int8':
      return (value << 24) >> 24;
    case 'Int16':
      return (value << 16) >> 16;
    case 'Int32':
      return value | 0;
    default:
      return value;
  }
}

/** An integer carried as uint64 (long_value), signed back by its datatype; DateTime as epoch ms. */
function int64ByType(value: bigint, type: number): bigint | number {
  const name = typeName(type);
  if (name === 'Int64') return BigInt.asIntN(64, value);
  if (name === 'DateTime') return Number(value);
  return value;
}

/**
 * Sparkplug's value oneofs list the same six scalars in the same order (int, long, float, double,
 * boolean, string) from a first field number: 3 in PropertyValue and Template.Parameter, 10 in
 * Metric, 1 in DataSet.DataSetValue. The value of `field` if it is one of them, else undefined.
 */
function scalarValue(field: Field, first: number, type: number): unknown {
  switch (field.number - first) {
    case 0: return int32ByType(read.uint32(field), type);
    case 1: return int64ByType(read.uint64(field), type);
    case 2: return read.float(field);
    case 3: return read.double(field);
    case 4: return read.bool(field);
    case 5: return read.string(field);
    default: return undefined;
  }
}

const ARRAY_ELEMENTS: Partial<Record<string, { size: number; get(view: DataView, at: number): number | bigint }>> = {
  Int8Array: { size: 1, get: (v, at) => v.getInt8(at) },
  Int16Array: { size: 2, get: (v, at) => v.getInt16(at, true) },
  Int32Array: { size: 4, get: (v, at) => v.getInt32(at, true) },
  Int64Array: { size: 8, get: (v, at) => v.getBigInt64(at, true) },
  UInt8Array: { size: 1, get: (v, at) => v.getUint8(at) },
  UInt16Array: { size: 2, get: (v, at) => v.getUint16(at, true) },
  UInt32Array: { size: 4, get: (v, at) => v.getUint32(at, true) },
  UInt64Array: { size: 8, get: (v, at) => v.getBigUint64(at, true) },
  FloatArray: { size: 4, get: (v, at) => v.getFloat32(at, true) },
  DoubleArray: { size: 8, get: (v, at) => v.getFloat64(at, true) },
  DateTimeArray: { size: 8, get: (v, at) => Number(v.getBigInt64(at, true)) },
};

/** bytes_value by datatype: Sparkplug 3.0 packs arrays little-endian into it; strings null-terminated. */
function bytesByType(bytes: Uint8Array, type: number): unknown {
  const name = typeName(type);
  const element = ARRAY_ELEMENTS[name];
  if (element && bytes.length % element.size === 0) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: bytes.length / element.size }, (_, i) => element.get(view, i * element.size));
  }
  if (name === 'StringArray') {
    const text = new TextDecoder().decode(bytes);
    return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
  }
  return bytes;
}

function decodeMetaData(bytes: Uint8Array): Decoded {
  const out: Decoded = {};
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: out.isMultiPart = read.bool(field); break;
      case 2: out.contentType = read.string(field); break;
      case 3: out.size = read.uint64(field); break;
      case 4: out.seq = read.uint64(field); break;
      case 5: out.fileName = read.string(field); break;
      case 6: out.fileType = read.string(field); break;
      case 7: out.md5 = read.string(field); break;
      case 8: out.description = read.string(field); break;
    }
  }
  return out;
}

/** PropertyValue { type = 1; is_null = 2; int 3, long 4, float 5, double 6, boolean 7, string 8, propertyset 9, propertysets 10 } */
function decodePropertyValue(bytes: Uint8Array): Decoded {
  let type = 0;
  const out: Decoded = {};
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: type = read.uint32(field); out.type = typeName(type); break;
      case 2: out.isNull = read.bool(field); break;
      case 3: case 4: case 5: case 6: case 7: case 8: out.value = scalarValue(field, 3, type); break;
      case 9: out.value = decodePropertySet(read.bytes(field)); break;
      case 10: out.value = [...fields(read.bytes(field))].filter((f) => f.number === 1).map((f) => decodePropertySet(read.bytes(f))); break;
    }
  }
  return out;
}

/** PropertySet { repeated keys = 1; repeated values = 2 }: shown as key → { type, value }. */
function decodePropertySet(bytes: Uint8Array): Decoded {
  const keys: string[] = [];
  const values: Decoded[] = [];
  for (const field of fields(bytes)) {
    if (field.number === 1) keys.push(read.string(field));
    else if (field.number === 2) values.push(decodePropertyValue(read.bytes(field)));
  }
  const out: Decoded = {};
  keys.forEach((key, i) => (out[key] = values[i] ?? null));
  return out;
}

/** DataSet { num_of_columns = 1; columns = 2; types = 3; rows = 4 { elements = 1 { int 1, long 2, float 3, double 4, bool 5, string 6 } } } */
function decodeDataSet(bytes: Uint8Array): Decoded {
  const columns: string[] = [];
  const types: number[] = [];
  const rows: unknown[][] = [];
  let numOfColumns: bigint | undefined;
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: numOfColumns = read.uint64(field); break;
      case 2: columns.push(read.string(field)); break;
      case 3: types.push(...uint32s(field)); break;
      case 4: {
        const row: unknown[] = [];
        for (const element of fields(read.bytes(field))) {
          if (element.number !== 1) continue;
          const column = row.length;
          let value: unknown = null;
          for (const v of fields(read.bytes(element))) value = scalarValue(v, 1, types[column] ?? 0) ?? value;
          row.push(value);
        }
        rows.push(row);
        break;
      }
    }
  }
  return { ...(numOfColumns !== undefined ? { numOfColumns } : {}), columns, types: types.map(typeName), rows };
}

/** Template { version = 1; metrics = 2; parameters = 3; template_ref = 4; is_definition = 5 } */
function decodeTemplate(bytes: Uint8Array): Decoded {
  const out: Decoded = {};
  const metrics: Decoded[] = [];
  const parameters: Decoded[] = [];
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: out.version = read.string(field); break;
      case 2: metrics.push(decodeMetric(read.bytes(field))); break;
      case 3: parameters.push(decodeParameter(read.bytes(field))); break;
      case 4: out.templateRef = read.string(field); break;
      case 5: out.isDefinition = read.bool(field); break;
    }
  }
  return { ...out, metrics, ...(parameters.length ? { parameters } : {}) };
}

/** Template.Parameter { name = 1; type = 2; int 3, long 4, float 5, double 6, boolean 7, string 8 } */
function decodeParameter(bytes: Uint8Array): Decoded {
  let type = 0;
  const out: Decoded = {};
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: out.name = read.string(field); break;
      case 2: type = read.uint32(field); out.type = typeName(type); break;
      case 3: case 4: case 5: case 6: case 7: case 8: out.value = scalarValue(field, 3, type); break;
    }
  }
  return out;
}

/** Metric: name 1, alias 2, timestamp 3, datatype 4, is_historical 5, is_transient 6, is_null 7, metadata 8, properties 9, value 10–19. */
function decodeMetric(bytes: Uint8Array): Decoded {
  const out: Decoded = {};
  let type = 0;
  // The value may come before the datatype on the wire: keep the raw field, interpret it at the end.
  let valueField: Field | undefined;
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: out.name = read.string(field); break;
      case 2: out.alias = read.uint64(field); break;
      case 3: out.timestamp = read.uint64(field); break;
      case 4: type = read.uint32(field); out.datatype = typeName(type); break;
      case 5: out.isHistorical = read.bool(field); break;
      case 6: out.isTransient = read.bool(field); break;
      case 7: out.isNull = read.bool(field); break;
      case 8: out.metadata = decodeMetaData(read.bytes(field)); break;
      case 9: out.properties = decodePropertySet(read.bytes(field)); break;
      default:
        if (field.number >= 10 && field.number <= 19) valueField = field;
    }
  }
  if (valueField) out.value = metricValue(valueField, type);
  return out;
}

function metricValue(field: Field, type: number): unknown {
  switch (field.number) {
    case 10: case 11: case 12: case 13: case 14: case 15: return scalarValue(field, 10, type);
    case 16: return bytesByType(read.bytes(field), type);
    case 17: return decodeDataSet(read.bytes(field));
    case 18: return decodeTemplate(read.bytes(field));
    default: return read.bytes(field); // extension_value (19): opaque
  }
}

/** Payload { timestamp = 1; metrics = 2; seq = 3; uuid = 4; body = 5 }. Throws ProtobufError on corrupt bytes. */
export function decodeSparkplugB(bytes: Uint8Array): Decoded {
  const out: Decoded = {};
  const metrics: Decoded[] = [];
  for (const field of fields(bytes)) {
    switch (field.number) {
      case 1: out.timestamp = read.uint64(field); break;
      case 2: metrics.push(decodeMetric(read.bytes(field))); break;
      case 3: out.seq = read.uint64(field); break;
      case 4: out.uuid = read.string(field); break;
      case 5: out.body = read.bytes(field); break;
    }
  }
  return { ...out, metrics };
}
