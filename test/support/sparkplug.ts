/**
 * Sparkplug B payloads for tests, encoded by protobufjs from Sparkplug's Payload message (Eclipse
 * Sparkplug 3.0): an encoder independent of the workbench's own protobuf reader.
 */
import protobuf from 'protobufjs';

const SPARKPLUG_PROTO = `
syntax = "proto2";
message Payload {
  message PropertyValue {
    optional uint32 type = 1; optional bool is_null = 2;
    oneof value { uint32 int_value = 3; uint64 long_value = 4; float float_value = 5; double double_value = 6; bool boolean_value = 7; string string_value = 8; }
  }
  message PropertySet { repeated string keys = 1; repeated PropertyValue values = 2; }
  message DataSet {
    message DataSetValue { oneof value { uint32 int_value = 1; uint64 long_value = 2; float float_value = 3; double double_value = 4; bool boolean_value = 5; string string_value = 6; } }
    message Row { repeated DataSetValue elements = 1; }
    optional uint64 num_of_columns = 1; repeated string columns = 2; repeated uint32 types = 3; repeated Row rows = 4;
  }
  message Metric {
    optional string name = 1; optional uint64 alias = 2; optional uint64 timestamp = 3; optional uint32 datatype = 4;
    optional bool is_historical = 5; optional bool is_transient = 6; optional bool is_null = 7;
    optional PropertySet properties = 9;
    oneof value { uint32 int_value = 10; uint64 long_value = 11; float float_value = 12; double double_value = 13; bool boolean_value = 14; string string_value = 15; bytes bytes_value = 16; DataSet dataset_value = 17; }
  }
  optional uint64 timestamp = 1; repeated Metric metrics = 2; optional uint64 seq = 3; optional string uuid = 4; optional bytes body = 5;
}`;
const Payload = protobuf.parse(SPARKPLUG_PROTO, { keepCase: true }).root.lookupType('Payload');
/** The payload's protobuf bytes; 64-bit fields may be given as decimal strings. */
export const encodeSparkplug = (payload: Record<string, unknown>): Uint8Array => Payload.encode(Payload.fromObject(payload)).finish();

