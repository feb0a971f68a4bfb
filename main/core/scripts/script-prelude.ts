/**
 * What a script sees besides the language itself, evaluated in its context before the script:
 * `log(...)` (also `console.log/info/warn/error`), byte helpers, and the invoker the host calls.
 * Written in plain ES2020 because it runs inside QuickJS, not in Node. The invoker is returned to
 * the host (kept as a handle) so a script that overwrites globals only breaks its own helpers.
 *
 * The invoker's answer: a string starting with `T` (text) or `J` (JSON), an ArrayBuffer (bytes), or
 * `R`: the context has made more buffers than it may keep, start a fresh one and call again.
 */
export const PRELUDE_FILE = 'workbench-prelude.js';

export const SCRIPT_PRELUDE = String.raw`(function (hostLog, memoryLimit) {
  'use strict';
  var g = globalThis;
  // QuickJS's memory limit does not count the bytes behind ArrayBuffers and typed arrays (they come
  // from the shared WebAssembly memory, which grows for them and never shrinks): without this, a
  // script could grow the host by gigabytes. Every way to make one goes through a charge: the
  // constructors (and so species for slice/map/filter, from/of), ArrayBuffer slice/resize/transfer.
  // A call may allocate up to the memory limit; past twice that in a context's life the host starts
  // a fresh context before the next call (what the old one held is freed with it).
  var spent = { call: 0, life: 0 };
  function charge(bytes) {
    if (!(bytes > 0)) return;
    if (spent.call + bytes > memoryLimit) throw new InternalError('out of memory');
    spent.call += bytes;
    spent.life += bytes;
  }
  var OriginalArrayBuffer = ArrayBuffer;
  var TypedArray = Object.getPrototypeOf(Uint8Array);
  var typedLength = Object.getOwnPropertyDescriptor(TypedArray.prototype, 'length').get;
  var bufferLength = Object.getOwnPropertyDescriptor(OriginalArrayBuffer.prototype, 'byteLength').get;
  function isTyped(value) {
    try {
      typedLength.call(value);
      return true;
    } catch (error) {
      return false;
    }
  }
  function isBuffer(value) {
    try {
      bufferLength.call(value);
      return true;
    } catch (error) {
      return false;
    }
  }
  function guard(name, prepare) {
    var Original = g[name];
    if (typeof Original !== 'function') return;
    var guarded = new Proxy(Original, {
      construct: function (target, args, newTarget) {
        return Reflect.construct(target, prepare(args), newTarget === guarded ? target : newTarget);
      },
    });
    Object.defineProperty(Original.prototype, 'constructor', { value: guarded, writable: false, enumerable: false, configurable: false });
    Object.defineProperty(g, name, { value: guarded, writable: true, enumerable: false, configurable: true });
  }
  function prepareBuffer(args) {
    var length = Number(args[0]) || 0;
    var options = args[1];
    // Read once and handed on as plain values: a getter cannot answer differently the second time.
    var max = options !== null && typeof options === 'object' && options.maxByteLength !== undefined ? Number(options.maxByteLength) : undefined;
    charge(max === undefined ? length : Math.max(length, max));
    return max === undefined ? [length] : [length, { maxByteLength: max }];
  }
  function prepareTyped(bytesPerElement) {
    return function (args) {
      var first = args[0];
      if (first === null || typeof first !== 'object') {
        var length = first === undefined ? 0 : Number(first);
        charge(length * bytesPerElement);
        return [length];
      }
      if (isBuffer(first)) return args; // a view of memory already charged
      if (isTyped(first)) {
        charge(typedLength.call(first) * bytesPerElement);
        return [first];
      }
      // An array-like or iterable is read once into an array (on the counted heap), so its length cannot change after the charge.
      var items = Array.from(first);
      charge(items.length * bytesPerElement);
      return [items];
    };
  }
  guard('ArrayBuffer', prepareBuffer);
  guard('SharedArrayBuffer', prepareBuffer);
  ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'].forEach(function (name) {
    if (typeof g[name] === 'function') guard(name, prepareTyped(g[name].BYTES_PER_ELEMENT));
  });
  // These make a copy of the same type without asking the constructor (no species): charged here.
  ['toReversed', 'toSorted', 'with'].forEach(function (method) {
    var original = TypedArray.prototype[method];
    if (typeof original !== 'function') return;
    Object.defineProperty(TypedArray.prototype, method, {
      value: function () {
        charge(typedLength.call(this) * this.BYTES_PER_ELEMENT);
        return original.apply(this, arguments);
      },
      writable: false,
      enumerable: false,
      configurable: false,
    });
  });
  ['resize', 'transfer', 'transferToFixedLength'].forEach(function (method) {
    var original = OriginalArrayBuffer.prototype[method];
    if (typeof original !== 'function') return;
    Object.defineProperty(OriginalArrayBuffer.prototype, method, {
      value: function (length) {
        var wanted = length === undefined ? bufferLength.call(this) : Number(length) || 0;
        charge(method === 'resize' ? wanted - bufferLength.call(this) : wanted);
        return original.call(this, wanted);
      },
      writable: false,
      enumerable: false,
      configurable: false,
    });
  });
  function show(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return 'Uint8Array[' + bytesToHex(value) + ']';
    try {
      var text = JSON.stringify(value, function (_key, v) { return typeof v === 'bigint' ? v.toString() : v; });
      return text === undefined ? String(value) : text;
    } catch (error) {
      return String(value);
    }
  }
  function log() {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) parts.push(show(arguments[i]));
    hostLog(parts.join(' '));
  }
  function asBytes(value, what) {
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (Array.isArray(value)) return Uint8Array.from(value);
    throw new TypeError(what + ' expects bytes (a Uint8Array, an ArrayBuffer or an array of numbers)');
  }
  function bytesToHex(bytes) {
    var b = asBytes(bytes, 'bytesToHex');
    var out = '';
    for (var i = 0; i < b.length; i++) out += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return out;
  }
  function hexToBytes(hex) {
    var clean = String(hex).replace(/\s+/g, '');
    if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('hexToBytes expects pairs of hex digits');
    var out = new Uint8Array(clean.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
    return out;
  }
  function utf8Encode(text) {
    var s = String(text);
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.codePointAt(i);
      if (c > 0xffff) i++;
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return Uint8Array.from(out);
  }
  function utf8Decode(bytes) {
    var b = asBytes(bytes, 'utf8Decode');
    var out = '';
    for (var i = 0; i < b.length; ) {
      var c = b[i++];
      var need = c >= 0xf0 && c < 0xf8 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : c < 0x80 ? 0 : -1;
      if (need < 0) { out += '\ufffd'; continue; }
      var code = need === 0 ? c : c & (0x3f >> need);
      var ok = i + need <= b.length;
      for (var k = 0; ok && k < need; k++) {
        if ((b[i + k] & 0xc0) !== 0x80) ok = false;
        else code = (code << 6) | (b[i + k] & 63);
      }
      if (!ok) { out += '\ufffd'; continue; }
      i += need;
      out += String.fromCodePoint(code > 0x10ffff ? 0xfffd : code);
    }
    return out;
  }
  // QuickJS's own repeat and pad fill strings in C one piece at a time and, at the memory limit,
  // retry the allocation for every piece without polling the time limit (seconds of stall). These
  // build by doubling in script code, so the limits stop them at once.
  function repeat(count) {
    var piece = String(this);
    var n = Math.floor(Number(count)) || 0;
    if (n < 0 || n === Infinity) throw new RangeError('invalid repeat count');
    if (piece.length * n > 0x3fffffff) throw new RangeError('invalid string length');
    var out = '';
    while (n > 0) {
      if (n % 2 === 1) out += piece;
      n = Math.floor(n / 2);
      if (n > 0) piece += piece;
    }
    return out;
  }
  function pad(atStart) {
    return function (length, filler) {
      var text = String(this);
      var fill = filler === undefined ? ' ' : String(filler);
      var missing = (Math.floor(Number(length)) || 0) - text.length;
      if (missing <= 0 || fill === '') return text;
      var padding = repeat.call(fill, Math.ceil(missing / fill.length)).slice(0, missing);
      return atStart ? padding + text : text + padding;
    };
  }
  var methods = { repeat: repeat, padStart: pad(true), padEnd: pad(false) };
  for (var key in methods) Object.defineProperty(String.prototype, key, { value: methods[key], writable: true, configurable: true });
  g.log = log;
  g.console = { log: log, info: log, warn: log, error: log, debug: log };
  g.bytesToHex = bytesToHex;
  g.hexToBytes = hexToBytes;
  g.utf8Encode = utf8Encode;
  g.utf8Decode = utf8Decode;
  var parse = JSON.parse;
  var stringify = JSON.stringify;
  // respond(message): the message with its payload as bytes, as text and (when it is JSON) parsed.
  function requestOf(bytes, message) {
    message.payload = bytes;
    message.text = utf8Decode(bytes);
    try {
      message.json = parse(message.text);
    } catch (error) {
      message.json = undefined;
    }
    return message;
  }
  // Its answer: nothing, one reply or an array of them, each payload made a string or bytes here
  // (objects as JSON text, bytes as hex) so the replies cross to the host as one JSON text.
  function replies(out) {
    if (out === undefined || out === null) return '[]';
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') throw new TypeError('respond() returned a Promise: scripts run synchronously');
    var list = Array.isArray(out) ? out : [out];
    var shaped = [];
    for (var i = 0; i < list.length; i++) {
      var reply = list[i];
      if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) throw new TypeError('respond() must return replies as objects ({topic, payload, qos, retain}), not ' + (Array.isArray(reply) ? 'an array' : typeof reply));
      var copy = {};
      for (var key in reply) if (key !== 'payload') copy[key] = reply[key];
      var payload = reply.payload;
      if (payload === undefined || payload === null) copy.payload = { text: '' };
      else if (typeof payload === 'string') copy.payload = { text: payload };
      else if (payload instanceof ArrayBuffer || ArrayBuffer.isView(payload)) copy.payload = { hex: bytesToHex(payload) };
      else copy.payload = { json: stringify(payload, function (_key, v) { return typeof v === 'bigint' ? v.toString() : v; }) };
      if (copy.properties && copy.properties.correlationData !== undefined) {
        var data = copy.properties.correlationData;
        copy.properties.correlationData = typeof data === 'string' ? { text: data } : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? { hex: bytesToHex(data) } : { json: data };
      }
      shaped.push(copy);
    }
    return stringify(shaped);
  }
  return function invoke(fn, name, input, isBytes, messageJson) {
    if (spent.life > memoryLimit * 2) return 'R';
    spent.call = 0;
    if (name === 'respond') return 'J' + replies(fn(requestOf(new Uint8Array(input), parse(messageJson))));
    var out = fn(isBytes ? new Uint8Array(input) : parse(input), parse(messageJson));
    if (typeof out === 'string') return 'T' + out;
    if (out instanceof ArrayBuffer) return out.slice(0);
    if (ArrayBuffer.isView(out)) return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    if (out === undefined) throw new TypeError(name + '() returned nothing: return a value');
    if (typeof out === 'function' || typeof out === 'symbol') throw new TypeError(name + '() returned a ' + typeof out + ', which is not data');
    if (out !== null && typeof out.then === 'function') throw new TypeError(name + '() returned a Promise: scripts run synchronously');
    var json;
    try {
      json = stringify(out, function (_key, v) { return typeof v === 'bigint' ? v.toString() : v; });
    } catch (error) {
      throw new TypeError(name + '() returned a value that is not JSON: ' + error.message);
    }
    return 'J' + json;
  };
})`;
