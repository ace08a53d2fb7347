/**
 * Offline checks of a setup's PEM files and settings, before anything is dialled: damage in the
 * PEM text (named with its line), each certificate in its role, the key's format, whether the
 * key belongs to the certificate, whether the client certificate chains to a CA we know of, and
 * whether the server name is a name at all.
 */
import { isIP } from 'node:net';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { DIAGNOSES, type DiagnosisCode } from '../diagnosis/codes';
import type { InputEncoding } from '../pki/encodings';
import { detectPemDamage, HARMLESS, repairPem } from '../pki/pem-damage';
import { certEntry, checkCertificate, describeCertificate, isSelfSigned, issuerPath, subjectOf, type CertEntry, type CertRole } from './cert-checks';
import { finding, type CheckResult } from './findings';
import { lintKey } from './key-lint';
import type { PemInput, PemInputs } from './pem-input';
import type { PemRole, ValidateSettings } from './settings';

/** What the offline checks parsed, for the checks that need the server (server-cert.ts, probe.ts). */
export interface ParsedSetup {
  /** The certificates of the CA file, in order. */
  caCerts: X509Certificate[];
  /** The client certificate file: the leaf first, then any chain. */
  clientChain: X509Certificate[];
  key?: KeyObject;
}

export interface LintResult extends CheckResult {
  parsed: ParsedSetup;
}

export interface LintContext {
  settings: ValidateSettings;
  inputs: PemInputs;
  now: number;
  /** Where --fix-output writes each repaired copy, for the fixes that point to them. */
  repairedCopies: ReadonlyMap<PemRole, string>;
}

export function lint(context: LintContext): LintResult {
  const { settings, inputs } = context;
  const results: CheckResult[] = [];
  const texts = new Map<PemRole, string>();
  for (const input of Object.values(inputs)) {
    if (input.converted) results.push(lintEncoding(input, context.repairedCopies.get(input.role)));
    const damage = lintDamage(input, context.repairedCopies.get(input.role));
    results.push(damage);
    texts.set(input.role, damage.parseText);
  }
  const ca = inputs.ca && parseCertificates(inputs.ca, texts.get('ca') ?? '', ['server-issuer']);
  const cert = inputs.cert && parseCertificates(inputs.cert, texts.get('cert') ?? '', ['client', 'client-issuer']);
  const key = inputs.key && lintKey(inputs.key, texts.get('key') ?? '');
  results.push(...[ca, cert, key].filter((result): result is CheckResult => result !== undefined));
  const parsed: ParsedSetup = { caCerts: ca?.certs ?? [], clientChain: cert?.certs ?? [], key: key?.key };
  for (const entry of [...(ca?.entries ?? []), ...(cert?.entries ?? [])]) {
    results.push({ findings: checkCertificate(entry, context.now), checked: [] });
  }
  results.push(
    checkKeyMatches(parsed, inputs),
    checkClientChain(parsed, inputs),
    checkSettings(settings),
  );
  return {
    parsed,
    findings: results.flatMap((result) => result.findings),
    checked: results.flatMap((result) => result.checked),
  };
}

// ---------------------------------------------------------------------------------------------

const ENCODING_CODES: Partial<Record<InputEncoding, DiagnosisCode>> = {
  'der-certificate': 'CERT_DER_NOT_PEM',
  'der-key': 'KEY_DER_NOT_PEM',
  pkcs12: 'PKCS12_NOT_PEM',
  'double-base64': 'PEM_DOUBLE_ENCODED',
};

const ENCODING_NAMES: Partial<Record<InputEncoding, string>> = {
  'der-certificate': 'a DER (binary) certificate',
  'der-key': 'a DER (binary) private key',
  pkcs12: 'a PKCS#12 bundle (.pfx/.p12)',
  'double-base64': 'a PEM base64-encoded once more',
};

/** Neither stack reads anything but PEM; the rest of the checks read the converted PEM. */
function lintEncoding(input: PemInput, copy: string | undefined): CheckResult {
  const { from, command } = input.converted!;
  const offer = copy ? `the converted copy is ${copy}` : 'validate --fix-output DIR writes a PEM copy';
  return {
    findings: [finding(ENCODING_CODES[from]!, 'error', `${input.label} is ${ENCODING_NAMES[from]}, not PEM`, `Convert it: ${command} (${offer}).`)],
    checked: [],
  };
}

interface DamageResult extends CheckResult {
  /** The text the other checks parse: the repaired form when repair is possible. */
  parseText: string;
}

/** Repair is possible when it yields complete blocks; legacy encrypted keys carry headers it would fold. */
export function repairable(input: PemInput): boolean {
  return !/Proc-Type:/.test(input.text) && /-----BEGIN /.test(repairPem(input.text));
}

function lintDamage(input: PemInput, copy: string | undefined): DamageResult {
  const damage = detectPemDamage(input.text);
  const parseText = repairable(input) ? repairPem(input.text) : input.text;
  if (damage.length === 0) return { parseText, findings: [], checked: [] };
  const harmful = damage.filter((found) => !HARMLESS.has(found.kind));
  const named = (list: typeof damage) => list.map((found) => found.message).join('; ');
  const offer = copy ? `the repaired copy is ${copy}` : 'validate --fix-output DIR writes a repaired copy';
  if (harmful.length === 0) {
    return {
      parseText,
      checked: [],
      findings: [finding('PEM_DAMAGE_TOLERATED', 'info', `${input.label}: ${named(damage)}`, `Both stacks read it as it is; ${offer}.`)],
    };
  }
  const code = input.role === 'key' ? 'KEY_MALFORMED' : 'CERT_MALFORMED';
  const fix = repairable(input) ? `${DIAGNOSES[code].fix.replace(/\.$/, '')}; ${offer}.` : DIAGNOSES[code].fix;
  return { parseText, checked: [], findings: [finding(code, 'error', `${input.label}: ${named(harmful)}`, fix)] };
}

// ---------------------------------------------------------------------------------------------

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

interface ParsedCertificates extends CheckResult {
  certs: X509Certificate[];
  entries: CertEntry[];
}

/** Every certificate of a file; `roles[0]` for the first, the last role for the rest (a chain). */
function parseCertificates(input: PemInput, text: string, roles: CertRole[]): ParsedCertificates {
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  const result: ParsedCertificates = { certs: [], entries: [], findings: [], checked: [] };
  if (blocks.length === 0) {
    result.findings.push(finding('CERT_MALFORMED', 'error', `${input.label} has no complete -----BEGIN/END CERTIFICATE----- block`));
  }
  blocks.forEach((block, index) => {
    const where = blocks.length > 1 ? `${input.label} (#${index + 1})` : input.label;
    try {
      const cert = new X509Certificate(block);
      const entry = certEntry(cert, roles[Math.min(index, roles.length - 1)], where);
      result.certs.push(cert);
      result.entries.push(entry);
      result.checked.push(`${where}: ${describeCertificate(entry)}`);
    } catch (error) {
      result.findings.push(finding('CERT_MALFORMED', 'error', `${where} does not parse: ${(error as Error).message}`));
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------

function checkKeyMatches({ clientChain, key }: ParsedSetup, inputs: PemInputs): CheckResult {
  const [leaf] = clientChain;
  if (!key || !leaf || !inputs.key || !inputs.cert) return { findings: [], checked: [] };
  const matches = (cert: X509Certificate) => {
    try {
      return cert.checkPrivateKey(key);
    } catch {
      return false; // a key of another type (EC key, RSA certificate)
    }
  };
  if (matches(leaf)) return { findings: [], checked: [`${inputs.key.label} belongs to the client certificate`] };
  const other = clientChain.findIndex(matches);
  const message =
    other > 0
      ? `${inputs.key.label} belongs to certificate #${other + 1} of ${inputs.cert.origin.kind === 'file' ? inputs.cert.origin.path : 'the certificate data'}, not to the first: the leaf must come first in the file`
      : `${inputs.key.label} does not belong to the client certificate "${subjectOf(leaf)}"`;
  return { findings: [finding('KEY_CERT_MISMATCH', 'error', message)], checked: [] };
}

/**
 * Offline, "trusted by the server" cannot be known; what can be is whether the certificate
 * chains to a CA in the files given (the server CA file often holds the client CA too).
 */
function checkClientChain({ clientChain, caCerts }: ParsedSetup, inputs: PemInputs): CheckResult {
  const [leaf, ...rest] = clientChain;
  if (!leaf || !inputs.cert) return { findings: [], checked: [] };
  const path = issuerPath(leaf, [...caCerts, ...rest]);
  if (path.length > 0) {
    return { findings: [], checked: [`client certificate chains to ${path.map((cert) => `"${subjectOf(cert)}"`).join(' -> ')}`] };
  }
  const message = isSelfSigned(leaf)
    ? `${inputs.cert.label} is self-signed: the server must list this very certificate as a client CA`
    : `${inputs.cert.label} was issued by "${leaf.issuer.replace(/\n/g, ', ')}", which is not in the files given`;
  return { findings: [finding('CLIENT_CERT_ISSUER_UNKNOWN', 'warning', message)], checked: [] };
}

/** A server name is a bare host name or IP: not a URL, not host:port. */
function checkSettings(settings: ValidateSettings): CheckResult {
  const serverName = settings.tls === false ? undefined : settings.tls.serverName;
  if (serverName === undefined || isIP(serverName) || /^[A-Za-z0-9.*_-]+$/.test(serverName)) return { findings: [], checked: [] };
  return {
    findings: [finding('SERVER_NAME_INVALID', 'error', `the server name "${serverName}" is not a host name (it has a port, scheme or other characters)`)],
    checked: [],
  };
}
