/**
 * The harness's own PKI: every certificate a scenario can name, minted in one go and written to
 * `certs/<run>/` (keys 0600). Scenarios refer to these by name, never by path.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serverCertificateNames } from '../env/engine-host';
import { INTERNAL_SERVER_NAME } from '../server/config';
import { Credential, encryptedPkcs8Pem, mintCertificate, pkcs1Pem } from './mint';

export const ENCRYPTED_KEY_PASSPHRASE = 'harness-passphrase';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Await a record of promises, keeping the keys. */
async function mintAll<K extends string>(pending: Record<K, Promise<Credential>>): Promise<Record<K, Credential>> {
  const entries = await Promise.all(Object.entries<Promise<Credential>>(pending).map(async ([k, v]) => [k, await v] as const));
  return Object.fromEntries(entries) as Record<K, Credential>;
}

/** Every credential the matrix uses, by role. */
export interface HarnessCredentials {
  ca: Credential;
  /** A second, unrelated root: "the CA of another PKI". */
  otherCa: Credential;
  intermediateCa: Credential;
  server: Credential;
  systemWorker: Credential;
  serverViaIntermediate: Credential;
  serverExpired: Credential;
  serverNotYetValid: Credential;
  serverCnOnly: Credential;
  serverV1: Credential;
  serverSha1: Credential;
  /** Like samples-server's tls-simple cluster cert: names only `tls-sample` and `::1`. */
  serverTlsSample: Credential;
  client: Credential;
  clientOtherCa: Credential;
  clientExpired: Credential;
  clientServerAuthOnly: Credential;
  clientV1: Credential;
}

export type CredentialName = keyof HarnessCredentials;

/** Mint the whole set; keys are generated concurrently on libuv's thread pool. */
export async function mintHarnessCredentials(): Promise<HarnessCredentials> {
  const now = Date.now();
  const [ca, otherCa] = await Promise.all([
    mintCertificate({ commonName: 'Temporal TLS Harness Root CA', isCa: true }),
    mintCertificate({ commonName: 'Some Other PKI Root CA', isCa: true }),
  ]);
  const intermediateCa = await mintCertificate({ commonName: 'Temporal TLS Harness Intermediate CA', isCa: true }, ca);
  const localNames = serverCertificateNames();
  const clientSpec = { commonName: 'harness-client', extKeyUsage: ['clientAuth' as const] };
  const expired = { notBefore: new Date(now - 60 * DAY_MS), notAfter: new Date(now - DAY_MS) };
  const leaves = await mintAll({
    server: mintCertificate({ commonName: 'localhost', ...localNames, dnsNames: [...localNames.dnsNames, INTERNAL_SERVER_NAME] }, ca),
    systemWorker: mintCertificate({ commonName: 'temporal-system-worker', extKeyUsage: ['clientAuth'] }, ca),
    serverViaIntermediate: mintCertificate({ commonName: 'localhost', ...localNames }, intermediateCa),
    serverExpired: mintCertificate({ commonName: 'localhost', ...localNames, ...expired }, ca),
    serverNotYetValid: mintCertificate(
      { commonName: 'localhost', ...localNames, notBefore: new Date(now + 30 * DAY_MS), notAfter: new Date(now + 60 * DAY_MS) },
      ca,
    ),
    serverCnOnly: mintCertificate({ commonName: 'localhost' }, ca),
    serverV1: mintCertificate({ commonName: 'localhost', version: 1 }, ca),
    serverSha1: mintCertificate({ commonName: 'localhost', ...localNames, signatureHash: 'sha1' }, ca),
    serverTlsSample: mintCertificate({ commonName: 'tls-sample', dnsNames: ['tls-sample'], ipAddresses: ['::1'] }, ca),
    client: mintCertificate(clientSpec, ca),
    clientOtherCa: mintCertificate(clientSpec, otherCa),
    clientExpired: mintCertificate({ ...clientSpec, ...expired }, ca),
    clientServerAuthOnly: mintCertificate({ commonName: 'harness-client', extKeyUsage: ['serverAuth'] }, ca),
    clientV1: mintCertificate({ commonName: 'harness-client', version: 1 }, ca),
  });
  return { ca, otherCa, intermediateCa, ...leaves };
}

/** Where each credential lives on disk, plus the derived files scenarios and servers need. */
export interface HarnessPkiFiles {
  dir: string;
  certPath(name: CredentialName): string;
  keyPath(name: CredentialName): string;
  /** Leaf + intermediate, as a server sends its chain. */
  chainPath: string;
  /** The client key in PKCS#1 (`BEGIN RSA PRIVATE KEY`). */
  clientPkcs1KeyPath: string;
  /** The client key encrypted with {@link ENCRYPTED_KEY_PASSPHRASE}. */
  clientEncryptedKeyPath: string;
}

/** The file layout of a harness PKI in `dir` (whether or not it has been written yet). */
export function harnessPkiFiles(dir: string): HarnessPkiFiles {
  return {
    dir,
    certPath: (name) => path.join(dir, `${name}.pem`),
    keyPath: (name) => path.join(dir, `${name}.key`),
    chainPath: path.join(dir, 'serverViaIntermediate-chain.pem'),
    clientPkcs1KeyPath: path.join(dir, 'client-pkcs1.key'),
    clientEncryptedKeyPath: path.join(dir, 'client-encrypted.key'),
  };
}

/** Mint the harness PKI into `dir` (created if needed); private keys are written 0600. */
export async function writeHarnessPki(dir: string): Promise<HarnessPkiFiles> {
  const credentials = await mintHarnessCredentials();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = harnessPkiFiles(dir);
  const writes: Promise<void>[] = [];
  for (const [name, cred] of Object.entries(credentials) as [CredentialName, Credential][]) {
    writes.push(writePublic(files.certPath(name), cred.certPem), writeSecret(files.keyPath(name), cred.keyPem));
  }
  writes.push(
    writePublic(files.chainPath, credentials.serverViaIntermediate.certPem + credentials.intermediateCa.certPem),
    writeSecret(files.clientPkcs1KeyPath, pkcs1Pem(credentials.client.privateKey)),
    writeSecret(files.clientEncryptedKeyPath, encryptedPkcs8Pem(credentials.client.privateKey, ENCRYPTED_KEY_PASSPHRASE)),
  );
  await Promise.all(writes);
  return files;
}

export async function writeSecret(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600); // the mode option is ignored when the file already exists
}

export async function writePublic(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o644 });
}
