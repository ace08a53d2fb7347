/**
 * Reads the PEM files a setup names, and refuses input that is not a PEM at all: a missing or
 * unreadable file, a directory, an empty file, binary content, or a key where a certificate
 * belongs. Those are one-line errors (HarnessError) rather than findings, because nothing
 * further can be checked. A PEM that is merely damaged (escaped newlines, indentation, ...) is
 * read, and lint.ts names the damage.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { HarnessError } from '../errors';
import { readInputFile } from '../pki/input-file';
import { detectPemDamage, repairPem } from '../pki/pem-damage';
import type { PemOrigin, PemRole, TlsSettings } from './settings';

export interface PemInput {
  role: PemRole;
  origin: PemOrigin;
  /** "client certificate /path/client.pem", for messages. */
  label: string;
  /** The bytes as given: what the SDK receives. */
  raw: Buffer;
  text: string;
}

export type PemInputs = Partial<Record<PemRole, PemInput>>;

const ROLE_NOUNS: Record<PemRole, string> = { ca: 'server CA', cert: 'client certificate', key: 'client key' };

/** The PEM labels that hold what a role expects; anything else in its place is a mix-up. */
const EXPECTED_LABELS: Record<PemRole, RegExp> = {
  ca: /CERTIFICATE/,
  cert: /CERTIFICATE/,
  key: /PRIVATE KEY/,
};

export function describeOrigin(role: PemRole, origin: PemOrigin): string {
  return `${ROLE_NOUNS[role]} ${origin.kind === 'file' ? origin.path : `(envconfig ${origin.name})`}`;
}

export async function readPemInputs(tls: TlsSettings | false): Promise<PemInputs> {
  if (tls === false) return {};
  // One at a time, so that with several bad files the first one named is always the same.
  const inputs: PemInputs = {};
  for (const role of ['ca', 'cert', 'key'] as const) {
    const origin = tls[role];
    if (origin) inputs[role] = await readPemInput(role, origin);
  }
  return inputs;
}

async function readPemInput(role: PemRole, origin: PemOrigin): Promise<PemInput> {
  const label = describeOrigin(role, origin);
  const raw = origin.kind === 'file' ? readInputFile(label, origin.path) : origin.data;
  const text = raw.toString('utf8');
  refuseNonPem(role, label, raw, text, origin.kind === 'file' ? origin.path : undefined);
  return { role, origin, label, raw, text };
}

/** Control characters no PEM holds (tab, CR and LF excepted), and the UTF-8 replacement for invalid bytes. */
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

function refuseNonPem(role: PemRole, label: string, raw: Buffer, text: string, file: string | undefined): void {
  if (text.trim() === '') {
    throw new HarnessError(`${label} is empty: give the file that holds the ${ROLE_NOUNS[role]} PEM`);
  }
  if (BINARY.test(text)) throw new HarnessError(`${label} ${binaryVerdict(role, raw, file)}`);
  if (detectPemDamage(text).some((damage) => damage.kind === 'not-pem')) {
    throw new HarnessError(`${label} is not PEM (no -----BEGIN line and no base64): give the ${ROLE_NOUNS[role]} PEM file`);
  }
  const labels = [...repairPem(text).matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]);
  if (labels.length > 0 && !labels.some((found) => EXPECTED_LABELS[role].test(found))) {
    throw new HarnessError(`${label} holds ${article(labels[0])}, not ${MIX_UPS[role]}`);
  }
}

function article(label: string): string {
  return `${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label}`;
}

/** What belongs in each role, and the likely mix-up when something else is there. */
const MIX_UPS: Record<PemRole, string> = {
  ca: "a certificate: give the CA certificate that issued the server's certificate",
  cert: 'a certificate: give the client certificate file here (are the certificate and the key swapped?)',
  key: 'a private key: give the client private key file here (are the certificate and the key swapped?)',
};

/** Binary content: DER is a common mix-up with a known conversion; anything else is garbage. */
function binaryVerdict(role: PemRole, raw: Buffer, file: string | undefined): string {
  const name = file ? path.basename(file) : 'FILE';
  const convert = (kind: 'x509' | 'pkey') => `openssl ${kind} -inform der -in ${name} -out ${name.replace(/(\.\w+)?$/, '.pem')}`;
  if (parses(() => new X509Certificate(raw))) return `is a DER (binary) certificate, not PEM: convert it with \`${convert('x509')}\``;
  if (role === 'key' && parses(() => createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' }))) {
    return `is a DER (binary) key, not PEM: convert it with \`${convert('pkey')}\``;
  }
  return `is binary, not a PEM text file: give the ${ROLE_NOUNS[role]} PEM file (it starts with -----BEGIN)`;
}

function parses(attempt: () => unknown): boolean {
  try {
    attempt();
    return true;
  } catch {
    return false;
  }
}
