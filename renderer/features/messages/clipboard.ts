import type { PayloadFormat } from '../../../shared/codecs/payload-format';

/**
 * Copies text: the async Clipboard API where the page may use it, else the older copy command
 * (Electron's permission handler may refuse clipboard permissions; the command still works there).
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } finally {
      area.remove();
    }
  }
}

const EXTENSIONS: Record<PayloadFormat, string> = { json: 'json', text: 'txt', hex: 'bin', base64: 'bin' };

/** A file name from the topic: `sensors/temp` -> `sensors_temp.json`. */
export function payloadFileName(topic: string, format: PayloadFormat): string {
  const base = topic.replace(/[^\w.-]+/g, '_').replace(/^[_.]+|_+$/g, '').slice(0, 100) || 'payload';
  return `${base}.${EXTENSIONS[format]}`;
}

/** Saves the payload's exact bytes through a Blob link (the browser and Electron alike). */
export function saveBytes(topic: string, payload: Uint8Array, format: PayloadFormat): void {
  const url = URL.createObjectURL(new Blob([payload as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = payloadFileName(topic, format);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
