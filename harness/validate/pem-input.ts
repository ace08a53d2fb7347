/**
 * Reads the PEM files a setup names, and refuses input that is not a PEM at all: a missing or
 * unreadable file, a directory, an empty file, binary content, or a key where a certificate
 * belongs. Those are one-line errors (HarnessError) rather than findings, because nothing
 * further can be checked. A PEM that is merely damaged (escaped newlines, indentation, ...) is
 * read, and lint.ts names the damage.
 */
import path from 'node:path';
import { HarnessError } from '../errors';
import { conversionCommand, detectEncoding, toPem, type InputEncoding } from '../pki/encodings';
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
  /** The PEM text the checks read: the file's, or the PEM converted from DER, PKCS#12 or base64. */
  text: string;
  /** Set when the input is not PEM but converts to it: its form, and the openssl command that converts it. */
  converted?: { from: InputEncoding; command: string };
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
  const file = origin.kind === 'file' ? origin.path : undefined;
  const converted = convertToPem(role, label, raw, file);
  if (converted) return { role, origin, label, raw, ...converted };
  const text = raw.toString('utf8');
  refuseNonPem(role, label, text);
  return { role, origin, label, raw, text };
}

/** The forms that are not PEM but hold what `role` needs, converted (the checks then read the PEM). */
function convertToPem(role: PemRole, label: string, raw: Buffer, file: string | undefined): Pick<PemInput, 'text' | 'converted'> | undefined {
  const encoding = detectEncoding(raw);
  if (encoding === 'pem' || encoding === 'other') return undefined;
  const part = role === 'key' ? 'key' : 'cert';
  const command = conversionCommand(encoding, file ? path.basename(file) : 'FILE', part)!;
  const pem = toPem(raw, encoding);
  if (!pem) {
    throw new HarnessError(`${label} is a PKCS#12 bundle protected by a password: extract the PEM with \`${command.replace(' -passin pass:', '')}\` (it asks for the password)`);
  }
  const text = part === 'key' ? pem.key : pem.certs;
  if (!text) throw new HarnessError(`${label} holds ${part === 'key' ? 'a certificate' : 'a private key'} in ${encoding} form, not ${MIX_UPS[role]}`);
  return { text, converted: { from: encoding, command } };
}

/** Control characters no PEM holds (tab, CR and LF excepted), and the UTF-8 replacement for invalid bytes. */
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

function refuseNonPem(role: PemRole, label: string, text: string): void {
  if (text.trim() === '') {
    throw new HarnessError(`${label} is empty: give the file that holds the ${ROLE_NOUNS[role]} PEM`);
  }
  if (BINARY.test(text)) {
    throw new HarnessError(`${label} is binary, not a PEM text file: give the ${ROLE_NOUNS[role]} PEM file (it starts with -----BEGIN)`);
  }
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
