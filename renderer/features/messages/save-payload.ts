import type { ViewFormat } from '../../../shared/codecs/payload-format';
import type { ShownFormat } from '../../payload/payload-view';
import { isTypedMode } from '../../payload/typed-modes';

const EXTENSIONS: Record<ViewFormat, string> = { json: 'json', text: 'txt', hex: 'bin', base64: 'bin', cbor: 'cbor', msgpack: 'msgpack', sparkplug: 'bin', protobuf: 'bin' };

/** A file name from the topic: `sensors/temp` -> `sensors_temp.json`. */
export function payloadFileName(topic: string, format: ShownFormat): string {
  const base = topic.replace(/[^\w.-]+/g, '_').replace(/^[_.]+|_+$/g, '').slice(0, 100) || 'payload';
  return `${base}.${isTypedMode(format) ? 'bin' : EXTENSIONS[format]}`;
}

/** Saves the payload's exact bytes through a Blob link (the browser and Electron alike). */
export function saveBytes(topic: string, payload: Uint8Array, format: ShownFormat): void {
  const url = URL.createObjectURL(new Blob([payload as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = payloadFileName(topic, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
