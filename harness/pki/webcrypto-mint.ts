/**
 * Minting beyond RSA-2048 with @peculiar/x509 on Node's WebCrypto: ECDSA P-256/P-384/P-521 and
 * Ed25519 certificates, and CAs with name constraints. The issuer can be any PEM credential,
 * the node-forge RSA CA included, so these leaves chain to the harness's root.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it before it loads
import { createPrivateKey, webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { positiveSerial, type CertificateSpec } from './mint';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Key algorithms WebCrypto mints here (RSA sizes come from node-forge, see mint.ts). */
export type WebCryptoAlgorithm = 'P-256' | 'P-384' | 'P-521' | 'Ed25519' | 'RSA-2048';

/** A certificate and its PKCS#8 private key, as PEM (LF line endings, as OpenSSL writes them). */
export interface PemCredential {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface WebCryptoSpec extends CertificateSpec {
  algorithm: WebCryptoAlgorithm;
  /** A CA whose nameConstraints permit only these DNS subtrees. */
  permittedDnsSubtrees?: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const NAME_CONSTRAINTS_OID = '2.5.29.30';

type KeyAlgorithm = RsaHashedImportParams | EcKeyImportParams | Algorithm;

/** Key generation and signing parameters per algorithm; the digest follows the curve, as OpenSSL's defaults do. */
function algorithmParams(algorithm: WebCryptoAlgorithm): { key: KeyAlgorithm; signing: KeyAlgorithm & { hash?: string } } {
  switch (algorithm) {
    case 'P-256':
      return { key: { name: 'ECDSA', namedCurve: 'P-256' }, signing: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'P-384':
      return { key: { name: 'ECDSA', namedCurve: 'P-384' }, signing: { name: 'ECDSA', hash: 'SHA-384' } };
    case 'P-521':
      return { key: { name: 'ECDSA', namedCurve: 'P-521' }, signing: { name: 'ECDSA', hash: 'SHA-512' } };
    case 'Ed25519':
      return { key: { name: 'Ed25519' }, signing: { name: 'Ed25519' } };
    case 'RSA-2048':
      return {
        key: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as KeyAlgorithm,
        signing: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      };
  }
}

/** The WebCrypto algorithm of an existing PEM key, for signing with an issuer minted elsewhere. */
function algorithmOfKey(keyPem: string): WebCryptoAlgorithm {
  const key = createPrivateKey(keyPem);
  if (key.asymmetricKeyType === 'rsa') return 'RSA-2048'; // only the hash matters for signing
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const byCurve: Record<string, WebCryptoAlgorithm> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  if (curve && byCurve[curve]) return byCurve[curve];
  throw new Error(`cannot sign with a ${key.asymmetricKeyType} ${curve ?? ''} issuer key`);
}

async function importSigningKey(keyPem: string): Promise<{ key: CryptoKey; signing: KeyAlgorithm }> {
  const { key: params, signing } = algorithmParams(algorithmOfKey(keyPem));
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', der, params as RsaHashedImportParams, false, ['sign']);
  return { key: key as CryptoKey, signing: { ...params, ...signing } };
}

function subjectName(spec: CertificateSpec): string {
  const parts = [spec.organization && `O=${spec.organization}`, spec.commonName && `CN=${spec.commonName}`].filter(Boolean);
  return parts.join(', ');
}

function nameConstraints(permitted: string[]): x509.Extension {
  const value = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees(permitted.map((dNSName) => new GeneralSubtree({ base: new GeneralName({ dNSName }) }))),
  });
  return new x509.Extension(NAME_CONSTRAINTS_OID, true, AsnConvert.serialize(value));
}

async function extensionsFor(spec: WebCryptoSpec, publicKey: CryptoKey, issuer?: x509.X509Certificate): Promise<x509.Extension[]> {
  const { KeyUsageFlags: Usage } = x509;
  const leafUsage = spec.algorithm.startsWith('RSA') ? Usage.digitalSignature | Usage.keyEncipherment : Usage.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(Boolean(spec.isCa), undefined, true),
    new x509.KeyUsagesExtension(spec.isCa ? Usage.keyCertSign | Usage.cRLSign | Usage.digitalSignature : leafUsage, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer));
  const usages = spec.extKeyUsage ?? (spec.isCa ? [] : ['serverAuth']);
  const oids = { serverAuth: x509.ExtendedKeyUsage.serverAuth, clientAuth: x509.ExtendedKeyUsage.clientAuth };
  if (usages.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(usages.map((usage) => oids[usage])));
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  if (spec.permittedDnsSubtrees) extensions.push(nameConstraints(spec.permittedDnsSubtrees));
  return extensions;
}

/** Mint a certificate for `spec`, signed by `issuer` (any PEM credential) or self-signed. */
export async function mintWebCryptoCertificate(spec: WebCryptoSpec, issuer?: PemCredential): Promise<PemCredential> {
  const { key: params, signing } = algorithmParams(spec.algorithm);
  const keys = (await webcrypto.subtle.generateKey(params as EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuerCert = issuer ? new x509.X509Certificate(issuer.certPem) : undefined;
  const signer = issuer ? await importSigningKey(issuer.keyPem) : { key: keys.privateKey, signing: { ...params, ...signing } };
  const now = Date.now();
  const subject = subjectName(spec);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: positiveSerial(),
    subject,
    issuer: issuerCert?.subject ?? subject,
    notBefore: spec.notBefore ?? new Date(now - DAY_MS),
    notAfter: spec.notAfter ?? new Date(now + 365 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.signing as Algorithm,
    extensions: await extensionsFor(spec, keys.publicKey, issuerCert),
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: cert.toString('pem').replace(/\r\n/g, '\n') + '\n', keyPem: pkcs8Pem(pkcs8) };
}

function pkcs8Pem(der: Buffer): string {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** SEC1 (`BEGIN EC PRIVATE KEY`), what `openssl ecparam -genkey` writes. */
export function sec1Pem(keyPem: string): string {
  return createPrivateKey(keyPem).export({ type: 'sec1', format: 'pem' }) as string;
}
