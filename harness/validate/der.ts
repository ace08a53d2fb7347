/**
 * The few fields of an X.509 certificate that node:crypto's X509Certificate does not expose:
 * the version, the signature algorithm and the keyUsage bits. A minimal DER walk over the
 * certificate's own bytes (`cert.raw`), so it works for RSA, EC and EdDSA certificates alike
 * (node-forge only decodes RSA certificates).
 */

/** One DER tag-length-value: where its content starts and ends in the buffer. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** [0] EXPLICIT version and [3] EXPLICIT extensions of TBSCertificate. */
const CONTEXT_VERSION = 0xa0;
const CONTEXT_EXTENSIONS = 0xa3;

function readTlv(der: Buffer, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i];
    start += bytes;
  }
  const end = start + length;
  if (tag === undefined || end > der.length) throw new Error('truncated DER');
  return { tag, start, end };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const found: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; offset = found[found.length - 1].end) {
    found.push(readTlv(der, offset));
  }
  return found;
}

/** Dotted text of an OBJECT IDENTIFIER's content bytes. */
function oidText(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  const [first, ...rest] = arcs;
  const top = Math.min(Math.floor(first / 40), 2);
  return [top, first - top * 40, ...rest].join('.');
}

export interface CertificateStructure {
  /** 1 when the version field is absent (v1: no extensions possible), else 2 or 3. */
  version: number;
  /** The outer signatureAlgorithm's OID, e.g. 1.2.840.113549.1.1.11 for sha256WithRSAEncryption. */
  signatureOid: string;
  /** Extension OID to its extnValue content (the DER inside the OCTET STRING). */
  extensions: Map<string, Buffer>;
}

/** Decode the fields above from a certificate's DER. Throws on DER that is not a certificate. */
export function certificateStructure(der: Buffer): CertificateStructure {
  const [tbs, signatureAlgorithm] = children(der, readTlv(der, 0));
  const tbsFields = children(der, tbs);
  const versionField = tbsFields[0].tag === CONTEXT_VERSION ? children(der, tbsFields[0])[0] : undefined;
  const version = versionField ? der[versionField.end - 1] + 1 : 1;
  const algorithmOid = children(der, signatureAlgorithm)[0];
  const extensions = new Map<string, Buffer>();
  const extensionsField = tbsFields.find((field) => field.tag === CONTEXT_EXTENSIONS);
  if (extensionsField) {
    for (const extension of children(der, children(der, extensionsField)[0])) {
      const parts = children(der, extension);
      const value = parts[parts.length - 1]; // extnID, [critical], extnValue
      extensions.set(oidText(der.subarray(parts[0].start, parts[0].end)), der.subarray(value.start, value.end));
    }
  }
  return { version, signatureOid: oidText(der.subarray(algorithmOid.start, algorithmOid.end)), extensions };
}

/** RFC 5280 KeyUsage bit names, in bit order. */
const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export const KEY_USAGE_OID = '2.5.29.15';

/** The usages a keyUsage extension value (a BIT STRING) allows. */
export function keyUsages(extensionValue: Buffer): Set<KeyUsage> {
  const bits = readTlv(extensionValue, 0);
  const bytes = extensionValue.subarray(bits.start + 1, bits.end); // first byte: unused bit count
  return new Set(KEY_USAGE_BITS.filter((_, index) => (bytes[index >> 3] ?? 0) & (0x80 >> (index & 7))));
}
