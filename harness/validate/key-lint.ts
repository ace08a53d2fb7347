/**
 * The private key: which format it is in (PKCS#1, PKCS#8, SEC1, encrypted, OpenSSH), whether it
 * parses, its type and size. Both stacks take PKCS#1, PKCS#8 and SEC1; neither takes a
 * passphrase or OpenSSH's own format.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { DiagnosisCode } from '../diagnosis/codes';
import { finding, type CheckResult } from './findings';
import type { PemInput } from './pem-input';

interface KeyFormat {
  name: string;
  /** Set when neither stack can use a key in this format. */
  unusable?: { code: DiagnosisCode; fix: string };
}

const DECRYPT_FIX =
  'Decrypt it once and store the result as a secret: openssl pkey -in key.pem -out key-plain.pem (asks for the passphrase).';

/** By PEM label. */
const KEY_FORMATS: Record<string, KeyFormat> = {
  'PRIVATE KEY': { name: 'PKCS#8' },
  'RSA PRIVATE KEY': { name: 'PKCS#1' },
  'EC PRIVATE KEY': { name: 'SEC1' },
  'ENCRYPTED PRIVATE KEY': { name: 'PKCS#8, encrypted', unusable: { code: 'KEY_ENCRYPTED', fix: DECRYPT_FIX } },
  'OPENSSH PRIVATE KEY': {
    name: 'OpenSSH',
    unusable: {
      code: 'KEY_MALFORMED',
      fix: 'Convert a copy to PKCS#8: cp key key.pem && ssh-keygen -p -N "" -m PKCS8 -f key.pem (the TLS stacks cannot read the OpenSSH format).',
    },
  },
};

/** RFC 1421 headers of a legacy encrypted PKCS#1/SEC1 key (`openssl genrsa -aes256` before OpenSSL 3). */
const LEGACY_ENCRYPTED = /Proc-Type:\s*4,ENCRYPTED/;

const KEY_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?-----END \1-----\n?/;

export interface KeyLint extends CheckResult {
  key?: KeyObject;
}

/** `pem` is the key text to parse: the repaired form when the given one is damaged. */
export function lintKey(input: PemInput, pem: string): KeyLint {
  const block = KEY_BLOCK.exec(pem);
  if (!block) {
    return { findings: [finding('KEY_MALFORMED', 'error', `${input.label} has no complete -----BEGIN/END PRIVATE KEY----- block`)], checked: [] };
  }
  const label = block[1];
  const format: KeyFormat = LEGACY_ENCRYPTED.test(input.text)
    ? { name: `${KEY_FORMATS[label]?.name ?? label}, encrypted (legacy Proc-Type header)`, unusable: { code: 'KEY_ENCRYPTED', fix: DECRYPT_FIX } }
    : (KEY_FORMATS[label] ?? { name: label, unusable: { code: 'KEY_MALFORMED', fix: 'Convert it to PKCS#8: openssl pkey -in key.pem -out key-pkcs8.pem' } });
  if (format.unusable) {
    const { code, fix } = format.unusable;
    return { findings: [finding(code, 'error', `${input.label} is in ${format.name} format, which neither SDK stack can read`, fix)], checked: [] };
  }
  try {
    const key = createPrivateKey(block[0]);
    return { key, findings: [], checked: [`${input.label}: ${keyName(key)} private key, ${format.name}`] };
  } catch (error) {
    const reason = (error as Error).message;
    return { findings: [finding('KEY_MALFORMED', 'error', `${input.label} (${format.name}) does not parse: ${reason}`)], checked: [] };
  }
}

/** "RSA 2048", "EC prime256v1". */
export function keyName(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  return [key.asymmetricKeyType?.toUpperCase(), details.modulusLength ?? details.namedCurve].filter(Boolean).join(' ');
}
