/**
 * The forms certificates and keys arrive in besides PEM: DER (binary), PKCS#12 bundles, and PEM
 * base64-encoded once more, as secret stores hold it. Detection and conversion to PEM are
 * shared by the classifier (which form a cell was given), `validate` (naming it offline) and
 * `--fix-output` (writing the PEM copy); the encoders make the matrix's `encoding` inputs.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export type InputEncoding = 'pem' | 'der-certificate' | 'der-key' | 'pkcs12' | 'double-base64' | 'other';

const PKCS7_DATA_OID = '1.2.840.113549.1.7.1';
const PEM_BEGIN = '-----BEGIN ';

export function detectEncoding(bytes: Buffer): InputEncoding {
  const text = bytes.toString('utf8');
  if (text.includes(PEM_BEGIN)) return 'pem';
  if (decodedPem(text) !== undefined) return 'double-base64';
  if (attempt(() => new X509Certificate(bytes))) return 'der-certificate';
  if (derKey(bytes)) return 'der-key';
  if (isPkcs12(bytes)) return 'pkcs12';
  return 'other';
}

/** The PEM inside a base64 text, when the text is base64 of a PEM. */
function decodedPem(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length < 16 || !/^[A-Za-z0-9+/]+=*$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  return decoded.includes(PEM_BEGIN) ? decoded : undefined;
}

function derKey(bytes: Buffer) {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: bytes, format: 'der', type });
    } catch {
      // try the next container format
    }
  }
  return undefined;
}

/** PFX: SEQUENCE { version 3, ContentInfo { pkcs7-data, ... }, ... } (RFC 7292). */
function isPkcs12(bytes: Buffer): boolean {
  try {
    const pfx = forge.asn1.fromDer(bytes.toString('binary'));
    const [version, authSafe] = pfx.value as forge.asn1.Asn1[];
    const contentType = (authSafe.value as forge.asn1.Asn1[])[0];
    return (
      forge.asn1.derToInteger(version.value as string) === 3 &&
      forge.asn1.derToOid(contentType.value as string) === PKCS7_DATA_OID
    );
  } catch {
    return false;
  }
}

function attempt(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** What a non-PEM input holds, as PEM: certificates (in the order given) and a private key (PKCS#8). */
export interface ConvertedPem {
  certs: string;
  key?: string;
}

/**
 * The PEM form of `bytes` in `encoding`; undefined when it cannot be converted without a
 * secret (a PKCS#12 with a password) or is not one of the known forms.
 */
export function toPem(bytes: Buffer, encoding: InputEncoding): ConvertedPem | undefined {
  switch (encoding) {
    case 'der-certificate':
      return { certs: new X509Certificate(bytes).toString() };
    case 'der-key':
      return { certs: '', key: derKey(bytes)!.export({ type: 'pkcs8', format: 'pem' }) as string };
    case 'double-base64': {
      const pem = decodedPem(bytes.toString('utf8'))!;
      return /PRIVATE KEY-----/.test(pem) && !/CERTIFICATE-----/.test(pem) ? { certs: '', key: pem } : { certs: pem };
    }
    case 'pkcs12':
      return pkcs12ToPem(bytes);
    default:
      return undefined;
  }
}

/**
 * A PKCS#12 without a password (or with the empty one), as PEM; undefined when it needs one.
 * node-forge decrypts the bags; node:crypto writes the PEM, since forge parses only RSA keys.
 */
function pkcs12ToPem(bytes: Buffer): ConvertedPem | undefined {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), '');
  } catch {
    return undefined;
  }
  const der = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const certs = bags(forge.pki.oids.certBag).map((bag) =>
    new X509Certificate(bag.cert ? der(forge.pki.certificateToAsn1(bag.cert)) : der(bag.asn1 as forge.asn1.Asn1)).toString(),
  );
  const keyBag = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)][0];
  const keyDer = keyBag && (keyBag.key ? der(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))) : der(keyBag.asn1 as forge.asn1.Asn1));
  const key = keyDer && (createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string);
  return { certs: certs.join(''), key: key || undefined };
}

/** The name for the PEM form of `file`: client.der → client.pem, client.pem.b64 → client.pem, client-key.der → client-key.pem. */
export function pemFileName(file: string, part: 'cert' | 'key'): string {
  const stem = file.replace(/(\.(der|cer|crt|p12|pfx|b64|base64|key|pem))+$/i, '');
  if (part === 'key') return stem.endsWith('key') ? `${stem}.pem` : `${stem}.key.pem`;
  return `${stem}.pem` === file ? `${stem}-decoded.pem` : `${stem}.pem`;
}

/** The `openssl` command that converts `file` (in `encoding`) to PEM, for a fix line. */
export function conversionCommand(encoding: InputEncoding, file: string, part: 'cert' | 'key'): string | undefined {
  const out = pemFileName(file, part);
  switch (encoding) {
    case 'der-certificate':
      return `openssl x509 -inform der -in ${file} -out ${out}`;
    case 'der-key':
      return `openssl pkey -inform der -in ${file} -out ${out}`;
    case 'double-base64':
      return `openssl base64 -d -A -in ${file} -out ${out}`;
    case 'pkcs12':
      return part === 'key'
        ? `openssl pkcs12 -in ${file} -nocerts -nodes -passin pass: -out ${out}`
        : `openssl pkcs12 -in ${file} -clcerts -nokeys -passin pass: -out ${out}`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The matrix's inputs: a good client certificate and key, put into the form a scenario names.

export type ClientEncoding =
  | 'cert-der'
  | 'key-der'
  | 'cert-double-base64'
  | 'key-double-base64'
  | 'pkcs12-as-cert'
  | 'chain-leaf-first'
  | 'chain-intermediate-first'
  | 'key-and-cert-in-one-file';

export interface ClientPem {
  cert: string;
  key: string;
  /** The intermediate that issued `cert`, for the chain encodings. */
  intermediate?: string;
}

const base64Of = (pem: string) => Buffer.from(Buffer.from(pem).toString('base64'));

export function encodeClientPair(encoding: ClientEncoding, { cert, key, intermediate = '' }: ClientPem): { crt: Buffer; key: Buffer } {
  const pem = { crt: Buffer.from(cert), key: Buffer.from(key) };
  switch (encoding) {
    case 'cert-der':
      return { ...pem, crt: new X509Certificate(cert).raw };
    case 'key-der':
      return { ...pem, key: createPrivateKey(key).export({ type: 'pkcs8', format: 'der' }) };
    case 'cert-double-base64':
      return { ...pem, crt: base64Of(cert) };
    case 'key-double-base64':
      return { ...pem, key: base64Of(key) };
    case 'pkcs12-as-cert':
      return { ...pem, crt: pkcs12Of(cert, key) };
    case 'chain-leaf-first':
      return { ...pem, crt: Buffer.from(cert + intermediate) };
    case 'chain-intermediate-first':
      return { ...pem, crt: Buffer.from(intermediate + cert) };
    case 'key-and-cert-in-one-file': {
      const both = Buffer.from(key + cert);
      return { crt: both, key: both };
    }
  }
}

/** A PKCS#12 with the empty password, as `openssl pkcs12 -export -passout pass:` writes it. */
function pkcs12Of(cert: string, key: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(key), [forge.pki.certificateFromPem(cert)], '', { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
