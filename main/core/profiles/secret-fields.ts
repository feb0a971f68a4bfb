import type { ConnectionOptions, PublicConnectionOptions, SecretField } from '../../../shared/contract';
import { decodeUtf8Strict, encodeUtf8 } from '../../../shared/codecs/utf8';

export type SecretValues = Partial<Record<SecretField, Uint8Array>>;

/** Splits validated options into what may be stored and shown, and the secrets (as bytes). */
export function splitSecrets(options: ConnectionOptions): { publicOptions: PublicConnectionOptions; secrets: SecretValues } {
  const { password, tls, ...rest } = options;
  const secrets: SecretValues = {};
  if (password !== undefined) secrets.password = encodeUtf8(password);
  let publicTls: PublicConnectionOptions['tls'];
  if (tls) {
    const { key, passphrase, pfx, ...tlsRest } = tls;
    if (key) secrets.tlsKey = key;
    if (passphrase !== undefined) secrets.tlsPassphrase = encodeUtf8(passphrase);
    if (pfx) secrets.tlsPfx = pfx;
    publicTls = tlsRest;
  }
  return { publicOptions: publicTls ? { ...rest, tls: publicTls } : rest, secrets };
}

/** Puts stored secrets back into options, just before connecting, inside the main process. */
export function mergeSecrets(publicOptions: PublicConnectionOptions, secrets: SecretValues): ConnectionOptions {
  const options: ConnectionOptions = { ...publicOptions, tls: publicOptions.tls ? { ...publicOptions.tls } : undefined };
  if (!options.tls) delete options.tls;
  if (secrets.password) options.password = decodeUtf8Strict(secrets.password) ?? '';
  if (secrets.tlsKey || secrets.tlsPassphrase || secrets.tlsPfx) {
    options.tls = { rejectUnauthorized: true, ...options.tls };
    if (secrets.tlsKey) options.tls.key = secrets.tlsKey;
    if (secrets.tlsPassphrase) options.tls.passphrase = decodeUtf8Strict(secrets.tlsPassphrase) ?? '';
    if (secrets.tlsPfx) options.tls.pfx = secrets.tlsPfx;
  }
  return options;
}
