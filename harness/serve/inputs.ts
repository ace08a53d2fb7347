/**
 * The user's own certificates for `serve`, checked before anything is written or started: a
 * wrong file should cost one clear line, not a container that fails to start 10 seconds later
 * with a Go error about PEM blocks.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { HarnessError } from '../errors';
import { readInputFile } from '../pki/input-file';
import type { ServerMode } from '../server/config';

/** The certificate options as given on the command line. */
export interface UserCertificateOptions {
  serverCert?: string;
  serverKey?: string;
  ca?: string;
  clientCa?: string[];
  clientCert?: string;
  clientKey?: string;
}

/** Validated, absolute paths, plus the parsed server certificate whose names clients must match. */
export interface UserCertificates {
  serverCert: string;
  serverKey: string;
  ca: string;
  clientCas: string[];
  client?: { cert: string; key: string };
  serverCertificate: X509Certificate;
}

/** How each option is named in messages: the CLI's flags by default. */
export type OptionLabels = Record<keyof UserCertificateOptions, string>;
const FLAGS: OptionLabels = {
  serverCert: '--server-cert',
  serverKey: '--server-key',
  ca: '--ca',
  clientCa: '--client-ca',
  clientCert: '--client-cert',
  clientKey: '--client-key',
};

/** `undefined` when no certificate option is given: serve then mints everything itself. */
export function readUserCertificates(
  mode: ServerMode,
  options: UserCertificateOptions,
  labels: OptionLabels = FLAGS,
): UserCertificates | undefined {
  const clientCas = options.clientCa ?? [];
  const given = [options.serverCert, options.serverKey, options.ca, options.clientCert, options.clientKey].some(Boolean);
  if (!given && clientCas.length === 0) return undefined;
  checkCombination(mode, options, clientCas);
  const serverCert = readCertificate(labels.serverCert, options.serverCert!);
  const serverKey = readPrivateKey(labels.serverKey, options.serverKey!);
  if (!serverCert.certificate.checkPrivateKey(serverKey.key)) {
    throw new HarnessError(`${labels.serverKey} ${serverKey.file} does not belong to ${labels.serverCert} ${serverCert.file}`);
  }
  const ca = readCertificate(labels.ca, options.ca!);
  const clientCaFiles = clientCas.map((file) => readCertificate(labels.clientCa, file).file);
  let client: UserCertificates['client'];
  if (options.clientCert && options.clientKey) {
    const cert = readCertificate(labels.clientCert, options.clientCert);
    const key = readPrivateKey(labels.clientKey, options.clientKey);
    if (!cert.certificate.checkPrivateKey(key.key)) {
      throw new HarnessError(`${labels.clientKey} ${key.file} does not belong to ${labels.clientCert} ${cert.file}`);
    }
    client = { cert: cert.file, key: key.file };
  }
  return {
    serverCert: serverCert.file,
    serverKey: serverKey.file,
    ca: ca.file,
    clientCas: clientCaFiles,
    client,
    serverCertificate: serverCert.certificate,
  };
}

function checkCombination(mode: ServerMode, options: UserCertificateOptions, clientCas: string[]): void {
  if (mode === 'plain') {
    throw new HarnessError('--mode plain serves without TLS: drop the certificate options, or use --mode tls or --mode mtls');
  }
  const trio = { '--server-cert': options.serverCert, '--server-key': options.serverKey, '--ca': options.ca };
  const missing = Object.entries(trio).filter(([, value]) => !value).map(([flag]) => flag);
  if (missing.length > 0) {
    throw new HarnessError(
      `your own certificates need --server-cert, --server-key and --ca together: ${missing.join(' and ')} missing (give none of them to let serve mint a PKI)`,
    );
  }
  if (Boolean(options.clientCert) !== Boolean(options.clientKey)) {
    throw new HarnessError('--client-cert and --client-key go together: give both or neither');
  }
  if (mode === 'tls' && clientCas.length > 0) {
    throw new HarnessError('--client-ca applies to --mode mtls only: a tls server asks for no client certificate');
  }
  if (mode === 'mtls' && clientCas.length === 0) {
    throw new HarnessError('--mode mtls with your own certificates needs --client-ca: the CA that signed your clients\' certificates');
  }
}

/** The file's text, or one line saying why it cannot be used. */
function readInput(flag: string, file: string): { file: string; text: string } {
  const absolute = path.resolve(file);
  const raw = readInputFile(`${flag} ${absolute}`, absolute);
  if (raw.length === 0) throw new HarnessError(`${flag} ${absolute} is empty`);
  return { file: absolute, text: raw.toString('latin1') };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** The server reads PEM only, so DER is refused here even though Node would parse it. */
function readCertificate(flag: string, file: string): { file: string; certificate: X509Certificate } {
  const input = readInput(flag, file);
  if (!PEM_CERTIFICATE.test(input.text)) {
    const what = PEM_PRIVATE_KEY.test(input.text) ? 'holds a private key, not a certificate' : 'holds no PEM certificate (no "BEGIN CERTIFICATE" block)';
    throw new HarnessError(`${flag} ${input.file} ${what}`);
  }
  try {
    return { file: input.file, certificate: new X509Certificate(input.text) };
  } catch (error) {
    throw new HarnessError(`${flag} ${input.file} has a certificate block that does not parse: ${(error as Error).message}`);
  }
}

function readPrivateKey(flag: string, file: string): { file: string; key: KeyObject } {
  const input = readInput(flag, file);
  if (!PEM_PRIVATE_KEY.test(input.text)) {
    const what = PEM_CERTIFICATE.test(input.text) ? 'holds a certificate, not a private key' : 'holds no PEM private key (no "BEGIN ... PRIVATE KEY" block)';
    throw new HarnessError(`${flag} ${input.file} ${what}`);
  }
  if (/ENCRYPTED/.test(input.text)) {
    throw new HarnessError(`${flag} ${input.file} is encrypted: the Temporal server needs an unencrypted key`);
  }
  try {
    return { file: input.file, key: createPrivateKey(input.text) };
  } catch (error) {
    throw new HarnessError(`${flag} ${input.file} has a private key block that does not parse: ${(error as Error).message}`);
  }
}
