/**
 * Certificate minting with node-forge: one function per artefact, every defect a typed option.
 *
 * Keys come from node-forge's native path (Node's `generateKeyPair`), which is two orders of
 * magnitude faster than its pure-JS prime search; nothing here may pass a `prng` or set
 * `forge.options.usePureJavaScript`, both of which silently force the slow path. Signatures are
 * native too (see {@link nativeSigner}).
 */
import { constants, privateEncrypt, randomBytes } from 'node:crypto';
import forge from 'node-forge';

const { pki } = forge;

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** What a certificate should say. Defaults describe a well-formed v3 leaf valid for a year. */
export interface CertificateSpec {
  commonName?: string;
  /** Subject organisation; certificates from other tools often have a CA with only this. */
  organization?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Mint a CA (basicConstraints CA:TRUE, keyCertSign). */
  isCa?: boolean;
  /** Extended key usage; an empty array omits the extension (which means "any" to verifiers). */
  extKeyUsage?: ExtendedKeyUsage[];
  notBefore?: Date;
  notAfter?: Date;
  /** X.509 version: 1 mints a certificate with no extensions at all, as `openssl x509 -req` does. */
  version?: 1 | 3;
  /** Signature digest. SHA-1 exists only to reproduce weak-signature failures. */
  signatureHash?: 'sha256' | 'sha1';
  /** RSA modulus length (default 2048). */
  keyBits?: 1024 | 2048 | 4096 | 8192;
}

/** A private key and its certificate, with both PEM forms ready to write. */
export interface Credential {
  readonly certificate: forge.pki.Certificate;
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly certPem: string;
  /** PKCS#8 (`BEGIN PRIVATE KEY`), the format every Temporal SDK accepts. */
  readonly keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function generateRsaKeyPair(bits = 2048): Promise<forge.pki.rsa.KeyPair> {
  return new Promise((resolve, reject) =>
    pki.rsa.generateKeyPair({ bits, workers: -1 }, (err, keyPair) => (err ? reject(err) : resolve(keyPair))),
  );
}

/**
 * Mint a certificate for `spec`, signed by `issuer` or self-signed when there is none, for `keys`
 * (a reissue keeps its key) or a key of its own, generated while the issuer is still being minted,
 * so that a whole PKI's keys are made side by side.
 */
export async function mintCertificate(
  spec: CertificateSpec,
  pendingIssuer?: Credential | Promise<Credential>,
  pendingKeys?: Promise<forge.pki.rsa.KeyPair>,
): Promise<Credential> {
  const [keys, issuer] = await Promise.all([pendingKeys ?? generateRsaKeyPair(spec.keyBits), pendingIssuer]);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = positiveSerial();
  const now = Date.now();
  cert.validity.notBefore = spec.notBefore ?? new Date(now - DAY_MS);
  cert.validity.notAfter = spec.notAfter ?? new Date(now + 365 * DAY_MS);
  const subject = subjectAttributes(spec);
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.certificate.subject.attributes : subject);
  if (spec.version === 1) {
    cert.version = 0;
  } else {
    cert.setExtensions(extensionsFor(spec, issuer));
  }
  const digest = spec.signatureHash === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
  cert.sign(nativeSigner(issuer ? issuer.keyPem : pkcs8Pem(keys.privateKey)), digest);
  return credential(cert, keys.privateKey);
}

/**
 * What `cert.sign` needs of a key (`sign(md)`, given the digest of the certificate's body), done by
 * OpenSSL: RSASSA-PKCS1-v1_5 is the DigestInfo of that digest under private-key "encryption" with
 * type-1 padding, which node-forge does in JavaScript (1.6 s of a core per harness PKI, measured).
 */
function nativeSigner(keyPem: string): forge.pki.rsa.PrivateKey {
  const sign = (md: forge.md.MessageDigest) => {
    const digestInfo = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
      forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OID, false, forge.asn1.oidToDer(forge.pki.oids[md.algorithm]).getBytes()),
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, ''),
      ]),
      forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
    ]);
    const encoded = Buffer.from(forge.asn1.toDer(digestInfo).getBytes(), 'binary');
    return privateEncrypt({ key: keyPem, padding: constants.RSA_PKCS1_PADDING }, encoded).toString('binary');
  };
  return { sign } as unknown as forge.pki.rsa.PrivateKey;
}

/** The key pair of `credential`, for another certificate of the same key. */
export async function keysOf(credential: Promise<Credential>): Promise<forge.pki.rsa.KeyPair> {
  const { certificate, privateKey } = await credential;
  return { privateKey, publicKey: certificate.publicKey as forge.pki.rsa.PublicKey };
}

export function credential(certificate: forge.pki.Certificate, privateKey: forge.pki.rsa.PrivateKey): Credential {
  return {
    certificate,
    privateKey,
    certPem: lf(pki.certificateToPem(certificate)),
    keyPem: pkcs8Pem(privateKey),
  };
}

export function pkcs8Pem(key: forge.pki.rsa.PrivateKey): string {
  return lf(pki.privateKeyInfoToPem(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key))));
}

/** PKCS#1 (`BEGIN RSA PRIVATE KEY`), node-forge's and older OpenSSL's default. */
export function pkcs1Pem(key: forge.pki.rsa.PrivateKey): string {
  return lf(pki.privateKeyToPem(key));
}

/** PKCS#8 encrypted with a passphrase (`BEGIN ENCRYPTED PRIVATE KEY`). */
export function encryptedPkcs8Pem(key: forge.pki.rsa.PrivateKey, passphrase: string): string {
  return lf(pki.encryptRsaPrivateKey(key, passphrase, { algorithm: 'aes256' }));
}

/**
 * node-forge ends PEM lines with CRLF; OpenSSL and every other tool with LF. The harness writes
 * LF like them, so that damage scenarios start from what users have (a CR left behind would
 * quietly act as a line break and hide "newlines removed").
 */
function lf(pem: string): string {
  return pem.replace(/\r\n/g, '\n');
}

function subjectAttributes(spec: CertificateSpec): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = [];
  if (spec.organization) attributes.push({ name: 'organizationName', value: spec.organization });
  if (spec.commonName) attributes.push({ name: 'commonName', value: spec.commonName });
  return attributes;
}

function extensionsFor(spec: CertificateSpec, issuer: Credential | undefined): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: Boolean(spec.isCa), critical: true },
    spec.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    // node-forge derives the identifier from the certificate's own public key.
    { name: 'subjectKeyIdentifier' },
  ];
  if (issuer) {
    const keyIdentifier = issuer.certificate.generateSubjectKeyIdentifier().getBytes();
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier });
  }
  const usages = spec.extKeyUsage ?? (spec.isCa ? [] : ['serverAuth']);
  if (usages.length > 0) {
    extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(usages.map((usage) => [usage, true])) });
  }
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  return extensions;
}

/** A random 128-bit serial whose top bit is clear, so its DER integer is positive. */
export function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}
