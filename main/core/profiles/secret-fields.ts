import { type ConnectionOptions, type PublicConnectionOptions, type SecretField, isCredentialHeader } from '../../../shared/contract';
import { decodeUtf8Strict, encodeUtf8 } from '../../../shared/codecs/utf8';

export type SecretValues = Partial<Record<SecretField, Uint8Array>>;
/** Secret WebSocket header values by header name, as the user spelled it. */
export type SecretHeaders = Record<string, Uint8Array>;

/** How a secret header is keyed in profile_secrets, beside the fixed fields (password, tlsKey...). */
export const HEADER_FIELD_PREFIX = 'header:';

/**
 * Splits validated options into what may be stored and shown, and the secrets (as bytes).
 * `markedSecret`: header names the user marked secret, besides the credential ones.
 */
export function splitSecrets(
  options: ConnectionOptions,
  markedSecret: readonly string[] = [],
): { publicOptions: PublicConnectionOptions; secrets: SecretValues; headers: SecretHeaders } {
  const { password, tls, wsHeaders, proxy, ...rest } = options;
  const secrets: SecretValues = {};
  if (password !== undefined) secrets.password = encodeUtf8(password);
  let publicProxy: PublicConnectionOptions['proxy'];
  if (proxy) {
    const { password: proxyPassword, ...proxyRest } = proxy;
    if (proxyPassword !== undefined) secrets.proxyPassword = encodeUtf8(proxyPassword);
    publicProxy = proxyRest;
  }
  let publicTls: PublicConnectionOptions['tls'];
  if (tls) {
    const { key, passphrase, pfx, ...tlsRest } = tls;
    if (key) secrets.tlsKey = key;
    if (passphrase !== undefined) secrets.tlsPassphrase = encodeUtf8(passphrase);
    if (pfx) secrets.tlsPfx = pfx;
    publicTls = tlsRest;
  }
  const marked = new Set(markedSecret.map((name) => name.toLowerCase()));
  const headers: SecretHeaders = {};
  let publicHeaders: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(wsHeaders ?? {})) {
    if (isCredentialHeader(name) || marked.has(name.toLowerCase())) headers[name] = encodeUtf8(value);
    else (publicHeaders ??= {})[name] = value;
  }
  const publicOptions: PublicConnectionOptions = { ...rest };
  if (publicTls) publicOptions.tls = publicTls;
  if (publicProxy) publicOptions.proxy = publicProxy;
  if (publicHeaders) publicOptions.wsHeaders = publicHeaders;
  return { publicOptions, secrets, headers };
}

/** Puts stored secrets back into options, just before connecting, inside the main process. */
export function mergeSecrets(publicOptions: PublicConnectionOptions, secrets: SecretValues, headers: SecretHeaders = {}): ConnectionOptions {
  const options: ConnectionOptions = {
    ...publicOptions,
    tls: publicOptions.tls ? { ...publicOptions.tls } : undefined,
    proxy: publicOptions.proxy ? { ...publicOptions.proxy } : undefined,
  };
  if (!options.tls) delete options.tls;
  if (!options.proxy) delete options.proxy;
  // A stored proxy password is used only while the profile still names a proxy that takes one.
  if (secrets.proxyPassword && options.proxy) options.proxy.password = decodeUtf8Strict(secrets.proxyPassword) ?? '';
  if (secrets.password) options.password = decodeUtf8Strict(secrets.password) ?? '';
  if (secrets.tlsKey || secrets.tlsPassphrase || secrets.tlsPfx) {
    options.tls = { rejectUnauthorized: true, ...options.tls };
    if (secrets.tlsKey) options.tls.key = secrets.tlsKey;
    if (secrets.tlsPassphrase) options.tls.passphrase = decodeUtf8Strict(secrets.tlsPassphrase) ?? '';
    if (secrets.tlsPfx) options.tls.pfx = secrets.tlsPfx;
  }
  if (Object.keys(headers).length > 0) {
    const merged: Record<string, string> = { ...options.wsHeaders };
    for (const [name, value] of Object.entries(headers)) merged[name] = decodeUtf8Strict(value) ?? '';
    options.wsHeaders = merged;
  }
  return options;
}
