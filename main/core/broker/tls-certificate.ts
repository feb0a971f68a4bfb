import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * TLS material for the one-click broker: a local CA and a server certificate it signs, generated
 * in-process with Node's crypto (P-256 keys, ECDSA with SHA-256) and a minimal DER writer, so no
 * openssl binary is needed (Windows has none). Users trust the CA; the broker serves the leaf.
 */

export interface GeneratedCertificate {
  /** The CA certificate clients trust (PEM). Its private key is discarded once the leaf is signed. */
  caPem: string;
  /** The server certificate (PEM), for the names in `hosts`. */
  certPem: string;
  /** The server's private key (PKCS#8 PEM). */
  keyPem: string;
  /** SHA-256 fingerprint of the server certificate, as OpenSSL prints it (AA:BB:...). */
  fingerprint: string;
  hosts: string[];
  validTo: string;
}

// --- DER (X.690) -----------------------------------------------------------------------------

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else if (n < 0x100) head = [tag, 0x81, n];
  else if (n < 0x10000) head = [tag, 0x82, n >> 8, n & 0xff];
  else head = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);
const octets = (content: Buffer) => tlv(0x04, content);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0 && value[start + 1]! < 0x80) start++;
  const body = value.subarray(start);
  return tlv(0x02, body[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes = [parts[0]! * 40 + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let rest = Math.floor(part / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A BIT STRING of named bits (Key Usage): bit 0 is the most significant; trailing zeros dropped (DER). */
function namedBits(bits: number[]): Buffer {
  const last = Math.max(...bits);
  const bytes = Buffer.alloc((last >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return tlv(0x03, Buffer.concat([Buffer.from([7 - (last & 7)]), bytes]));
}

const bitString = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function name(commonName: string): Buffer {
  return seq(set(seq(oid(OID.organization), utf8('MQTT Workbench'))), set(seq(oid(OID.commonName), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), TRUE, octets(value)) : seq(oid(id), octets(value));
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyId(spki: Buffer): Buffer {
  const key = createPublicKeyBits(spki);
  return createHash('sha1').update(key).digest();
}

/** The BIT STRING contents of a SubjectPublicKeyInfo (its last element), without the unused-bits byte. */
function createPublicKeyBits(spki: Buffer): Buffer {
  // SEQUENCE { AlgorithmIdentifier, BIT STRING }: skip the outer header and the algorithm
  let at = spki[1]! & 0x80 ? 2 + (spki[1]! & 0x7f) : 2;
  const algLength = spki[at + 1]!;
  at += 2 + algLength;
  const bitsHeader = spki[at + 1]! & 0x80 ? 2 + (spki[at + 1]! & 0x7f) : 2;
  return spki.subarray(at + bitsHeader + 1);
}

function sanEntry(host: string): Buffer {
  if (isIP(host) === 4) return tlv(0x87, Buffer.from(host.split('.').map(Number)));
  if (isIP(host) === 6) return tlv(0x87, ipv6Bytes(host));
  return tlv(0x82, Buffer.from(host, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

function certificate(tbs: Buffer, signer: KeyObject): Buffer {
  const signature = sign('sha256', tbs, signer); // DER ECDSA-Sig-Value, as X.509 wants it
  return seq(tbs, seq(oid(OID.ecdsaWithSha256)), bitString(signature));
}

function toPem(der: Buffer): string {
  const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

function serial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f; // positive, RFC 5280 4.1.2.2
  bytes[0]! |= 0x01;
  return integer(bytes);
}

/** Server names always covered by a generated certificate. */
export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];

/**
 * A CA and a server certificate for `hosts` (localhost, 127.0.0.1 and ::1 by default), valid from
 * an hour ago for `days` days. The CA can sign nothing else: its key is never kept.
 */
export function generateCertificate(options: { hosts?: string[]; days?: number; now?: Date } = {}): GeneratedCertificate {
  const hosts = [...new Set([...LOCAL_HOSTS, ...(options.hosts ?? [])].filter((h) => h && h !== '0.0.0.0' && h !== '::'))];
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime() + (options.days ?? 365) * 86400_000);
  const validity = seq(time(notBefore), time(notAfter));
  const version3 = explicit(0, integer(Buffer.from([2])));
  const algorithm = seq(oid(OID.ecdsaWithSha256));

  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caSpki = ca.publicKey.export({ type: 'spki', format: 'der' });
  const caKeyId = keyId(caSpki);
  const caName = name(`MQTT Workbench local CA ${now.toISOString().slice(0, 10)}`);
  const caTbs = seq(
    version3,
    serial(),
    algorithm,
    caName,
    validity,
    caName,
    caSpki,
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq(TRUE, integer(Buffer.from([0])))), // CA, path length 0
        extension(OID.keyUsage, true, namedBits([0, 5, 6])), // digitalSignature, keyCertSign, cRLSign
        extension(OID.subjectKeyIdentifier, false, octets(caKeyId)),
      ),
    ),
  );
  const caDer = certificate(caTbs, ca.privateKey);

  const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const leafTbs = seq(
    version3,
    serial(),
    algorithm,
    caName,
    validity,
    name(hosts[0]!),
    leafSpki,
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq()),
        extension(OID.keyUsage, true, namedBits([0])), // digitalSignature (ECDHE key exchange)
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
        extension(OID.subjectAltName, false, seq(...hosts.map(sanEntry))),
        extension(OID.subjectKeyIdentifier, false, octets(keyId(leafSpki))),
        extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, caKeyId))),
      ),
    ),
  );
  const leafDer = certificate(leafTbs, ca.privateKey);
  const certPem = toPem(leafDer);
  const parsed = new X509Certificate(certPem);
  return {
    caPem: toPem(caDer),
    certPem,
    keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    fingerprint: parsed.fingerprint256,
    hosts,
    validTo: parsed.validTo,
  };
}

/** Why a chosen certificate and key cannot serve TLS, in words a user can act on; null when they can. */
export function tlsPairProblem(certPem: string, keyPem: string): string | null {
  if (!certPem.includes('-----BEGIN CERTIFICATE-----')) return 'The certificate is not PEM (expected -----BEGIN CERTIFICATE-----)';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    return `The certificate cannot be read: ${(error as Error).message}`;
  }
  if (!/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(keyPem)) return 'The key is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)';
  if (keyPem.includes('ENCRYPTED') || keyPem.includes('Proc-Type: 4,ENCRYPTED')) return 'The key is encrypted with a passphrase; give an unencrypted key';
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    return `The key cannot be read: ${(error as Error).message}`;
  }
  if (!cert.checkPrivateKey(key)) return `The key does not match the certificate (${cert.subject.replace(/\n/g, ', ')})`;
  return null;
}
