/**
 * Checks of one certificate in its role (client leaf, server leaf, or a CA on either side):
 * validity now and in 30 days, X.509 version, signature algorithm, RSA key size, key usages and
 * CA-ness. Each rule is data: which code and severity a role gets, and why (see the tables).
 */
import type { X509Certificate } from 'node:crypto';
import type { DiagnosisCode } from '../diagnosis/codes';
import { certificateStructure, KEY_USAGE_OID, keyUsages, type CertificateStructure, type KeyUsage } from './der';
import { finding, type Finding, type Severity } from './findings';
import { workerRefusal } from '../pki/key-support';
import { keyName } from './key-lint';

export type CertRole = 'client' | 'client-issuer' | 'server' | 'server-issuer';

/** A certificate together with where it was found, for messages. */
export interface CertEntry {
  cert: X509Certificate;
  structure: CertificateStructure;
  role: CertRole;
  /** "client certificate /p/client.pem (#1)". */
  where: string;
}

export function certEntry(cert: X509Certificate, role: CertRole, where: string): CertEntry {
  return { cert, structure: certificateStructure(cert.raw), role, where };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_WARNING_DAYS = 30;

const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', any: '2.5.29.37.0' } as const;

interface UsageRule {
  /** The extendedKeyUsage the role needs when the extension is present. */
  eku?: keyof typeof EKU;
  /** keyUsage bits of which the role needs at least one when the extension is present. */
  keyUsage: KeyUsage[];
  code: DiagnosisCode;
  /** How bad a keyUsage without those bits is for this role. */
  keyUsageSeverity: Severity;
}

interface RoleRules {
  expired: DiagnosisCode;
  notYetValid: DiagnosisCode;
  /**
   * RSA keys shorter than this fail. webpki (the worker) verifies the server's chain and refuses
   * RSA under 2048 bits; the Go server verifies client chains and refuses only under 1024.
   */
  rsaErrorBelow: number;
  /** The worker (rustls) must verify or sign with this certificate's key, so its refusals are errors. */
  workerUsesKey: boolean;
  usage: UsageRule;
  issuer: boolean;
}

const ISSUER_USAGE: UsageRule = { keyUsage: ['keyCertSign'], code: 'CA_NOT_A_CA', keyUsageSeverity: 'error' };

const ROLES: Record<CertRole, RoleRules> = {
  client: {
    expired: 'CLIENT_CERT_EXPIRED',
    notYetValid: 'CLIENT_CERT_NOT_YET_VALID',
    rsaErrorBelow: 1024,
    workerUsesKey: true,
    // The Go server checks only the EKU; a keyUsage without digitalSignature breaks stricter peers.
    usage: { eku: 'clientAuth', keyUsage: ['digitalSignature'], code: 'CLIENT_CERT_WRONG_USAGE', keyUsageSeverity: 'warning' },
    issuer: false,
  },
  'client-issuer': {
    expired: 'CA_CERT_EXPIRED',
    notYetValid: 'CA_CERT_NOT_YET_VALID',
    rsaErrorBelow: 1024,
    workerUsesKey: false, // the Go server verifies client chains
    usage: ISSUER_USAGE,
    issuer: true,
  },
  server: {
    expired: 'SERVER_CERT_EXPIRED',
    notYetValid: 'SERVER_CERT_NOT_YET_VALID',
    rsaErrorBelow: 2048,
    workerUsesKey: true,
    // OpenSSL's "sslserver" purpose (the client stack) rejects a keyUsage with none of these.
    usage: {
      eku: 'serverAuth',
      keyUsage: ['digitalSignature', 'keyEncipherment', 'keyAgreement'],
      code: 'SERVER_CERT_WRONG_USAGE',
      keyUsageSeverity: 'error',
    },
    issuer: false,
  },
  'server-issuer': {
    expired: 'CA_CERT_EXPIRED',
    notYetValid: 'CA_CERT_NOT_YET_VALID',
    rsaErrorBelow: 2048,
    workerUsesKey: true,
    usage: ISSUER_USAGE,
    issuer: true,
  },
};

/** Signature algorithms by OID: a name for the report, and whether the stacks refuse it. */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; weak: boolean }> = {
  '1.2.840.113549.1.1.2': { name: 'MD2 with RSA', weak: true },
  '1.2.840.113549.1.1.4': { name: 'MD5 with RSA', weak: true },
  '1.2.840.113549.1.1.5': { name: 'SHA-1 with RSA', weak: true },
  '1.3.14.3.2.29': { name: 'SHA-1 with RSA', weak: true },
  '1.2.840.10045.4.1': { name: 'ECDSA with SHA-1', weak: true },
  '1.2.840.10040.4.3': { name: 'DSA with SHA-1', weak: true },
  '1.2.840.113549.1.1.10': { name: 'RSA-PSS', weak: false },
  '1.2.840.113549.1.1.11': { name: 'SHA-256 with RSA', weak: false },
  '1.2.840.113549.1.1.12': { name: 'SHA-384 with RSA', weak: false },
  '1.2.840.113549.1.1.13': { name: 'SHA-512 with RSA', weak: false },
  '1.2.840.10045.4.3.2': { name: 'ECDSA with SHA-256', weak: false },
  '1.2.840.10045.4.3.3': { name: 'ECDSA with SHA-384', weak: false },
  '1.2.840.10045.4.3.4': { name: 'ECDSA with SHA-512', weak: false },
  '1.3.101.112': { name: 'Ed25519', weak: false },
  '1.3.101.113': { name: 'Ed448', weak: false },
};

export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/** One-line name of a certificate: its subject on one line (a CA may have only an O, no CN). */
export function subjectOf(cert: X509Certificate): string {
  return cert.subject.replace(/\n/g, ', ') || '(empty subject)';
}

function signatureName(entry: CertEntry): string {
  return SIGNATURE_ALGORITHMS[entry.structure.signatureOid]?.name ?? `signature ${entry.structure.signatureOid}`;
}

/** A one-line description of a certificate for the report's "checked" list. */
export function describeCertificate(entry: CertEntry): string {
  const { cert } = entry;
  const eku = cert.keyUsage ? `, EKU ${cert.keyUsage.map(ekuName).join('/')}` : '';
  return `"${subjectOf(cert)}" v${entry.structure.version}, ${keyName(cert.publicKey)}, ${signatureName(entry)}${eku}, valid ${isoDay(cert.validFrom)} to ${isoDay(cert.validTo)}`;
}

const ekuName = (oid: string) => Object.entries(EKU).find(([, value]) => value === oid)?.[0] ?? oid;
const isoDay = (date: string) => new Date(Date.parse(date)).toISOString().slice(0, 10);

type Check = (entry: CertEntry, rules: RoleRules, now: number) => Finding[];

const checkValidity: Check = ({ cert, where }, rules, now) => {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (to < now) return [finding(rules.expired, 'error', `${where} expired on ${cert.validTo}`)];
  if (from > now) return [finding(rules.notYetValid, 'error', `${where} is valid only from ${cert.validFrom}`)];
  const days = Math.floor((to - now) / DAY_MS);
  return days < EXPIRY_WARNING_DAYS
    ? [finding('CERT_EXPIRES_SOON', 'warning', `${where} expires in ${days} day(s), on ${cert.validTo}`)]
    : [];
};

/** webpki (the worker) accepts v1 only as a self-signed trust anchor; anything it must validate has to be v3. */
const checkVersion: Check = (entry) =>
  entry.structure.version < 3 && !(entry.role.endsWith('issuer') && isSelfSigned(entry.cert))
    ? [finding('CERT_V1_UNSUPPORTED', 'error', `${entry.where} is an X.509 v${entry.structure.version} certificate (no extensions); the worker (rustls) refuses it`)]
    : [];

/** A self-signed root's own signature is never checked, so only issued certificates count. */
const checkSignature: Check = (entry) => {
  const algorithm = SIGNATURE_ALGORITHMS[entry.structure.signatureOid];
  return algorithm?.weak && !isSelfSigned(entry.cert)
    ? [finding('WEAK_SIGNATURE', 'error', `${entry.where} is signed with ${algorithm.name}, which the side that verifies it refuses (OpenSSL, rustls and the Go server all do)`)]
    : [];
};

/**
 * The key's algorithm and size, per stack: rustls with ring (the worker) has no P-521 and no RSA
 * under 2048 bits, for a server chain it verifies and a client key it signs with; OpenSSL (the
 * client) and the Go server take them.
 */
const checkKey: Check = ({ cert, where }, rules) => {
  const key = cert.publicKey;
  const refusal = workerRefusal(key);
  if (refusal && rules.workerUsesKey) {
    const why = refusal === 'KEY_TOO_SMALL' ? 'RSA keys under 2048 bits' : 'this algorithm';
    return [finding(refusal, 'error', `${where} has an ${keyName(key)} key: the worker (rustls) refuses ${why}, the client (OpenSSL) takes it`)];
  }
  const bits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined;
  if (bits === undefined || bits >= 2048) return [];
  const severity: Severity = bits < rules.rsaErrorBelow ? 'error' : 'warning';
  return [finding('KEY_TOO_SMALL', severity, `${where} has an RSA key of ${bits} bits (2048 is the minimum to rely on)`)];
};

/**
 * A CA as the server's own certificate (`openssl req -x509` sets CA:TRUE): webpki refuses it as
 * the end entity. Offline, a self-signed CA in the CA file that names hosts is most likely that.
 */
const checkCaAsLeaf: Check = (entry) => {
  const { cert, role, where } = entry;
  if (role === 'server' && cert.ca) {
    return [finding('CA_USED_AS_END_ENTITY', 'error', `${where} is a CA (basicConstraints CA:TRUE); the worker (rustls) refuses a CA as the server's certificate, the client (OpenSSL) takes it`)];
  }
  if (role === 'server-issuer' && cert.ca && isSelfSigned(cert) && cert.subjectAltName) {
    return [finding('CA_USED_AS_END_ENTITY', 'warning', `${where} is a self-signed CA that names hosts (${cert.subjectAltName}): if the server presents it as its own certificate, the worker (rustls) refuses it`)];
  }
  return [];
};

const checkUsage: Check = (entry, rules) => {
  const { cert, structure, where } = entry;
  const { usage } = rules;
  const found: Finding[] = [];
  const ekus = cert.keyUsage; // Node's name for the extendedKeyUsage OIDs
  if (usage.eku && ekus && !ekus.includes(EKU[usage.eku]) && !ekus.includes(EKU.any)) {
    found.push(finding(usage.code, 'error', `${where} has extendedKeyUsage ${ekus.map(ekuName).join(', ')} without ${usage.eku}`));
  }
  // An issuer that is no CA at all is reported once, by checkIsCa.
  const keyUsage = rules.issuer && !cert.ca ? undefined : structure.extensions.get(KEY_USAGE_OID);
  const allowed = keyUsage ? keyUsages(keyUsage) : undefined;
  if (allowed && !usage.keyUsage.some((bit) => allowed.has(bit))) {
    const has = [...allowed].join(', ') || 'nothing';
    found.push(finding(usage.code, usage.keyUsageSeverity, `${where} has keyUsage ${has}, without ${usage.keyUsage.join(' or ')}`));
  }
  return found;
};

/** A v1 issuer is reported by checkVersion (or is a v1 root, which both stacks accept as an anchor). */
const checkIsCa: Check = (entry, rules) =>
  rules.issuer && entry.structure.version === 3 && !entry.cert.ca
    ? [finding('CA_NOT_A_CA', 'error', `${entry.where} is not a CA (basicConstraints CA:FALSE or absent): it cannot have issued another certificate`)]
    : [];

const CHECKS: readonly Check[] = [checkValidity, checkVersion, checkSignature, checkKey, checkUsage, checkIsCa, checkCaAsLeaf];

export function checkCertificate(entry: CertEntry, now: number): Finding[] {
  const rules = ROLES[entry.role];
  return CHECKS.flatMap((check) => check(entry, rules, now));
}

/**
 * The issuers of `leaf` found in `pool`, nearest first, each verified by signature, up to a
 * self-signed certificate or the first certificate whose issuer is not in the pool.
 */
export function issuerPath(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const path: X509Certificate[] = [];
  let current = leaf;
  while (!isSelfSigned(current) && path.length < 10) {
    const issuer = pool.find((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (!issuer || path.some((seen) => seen.fingerprint256 === issuer.fingerprint256)) break;
    path.push(issuer);
    current = issuer;
  }
  return path;
}
