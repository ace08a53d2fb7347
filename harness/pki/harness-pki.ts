/**
 * The harness's own PKI: every certificate a scenario can name, minted in one go and written to
 * `certs/<run>/` (keys 0600). Scenarios refer to these by name, never by path.
 */
import { createPrivateKey } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serverCertificateNames } from '../env/engine-host';
import { INTERNAL_SERVER_NAME } from '../server/config';
import { type CertificateSpec, Credential, encryptedPkcs8Pem, keysOf, mintCertificate, pkcs1Pem } from './mint';
import { mintWebCryptoCertificate, sec1Pem, type PemCredential, type WebCryptoAlgorithm } from './webcrypto-mint';

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

export type CredentialName = keyof HarnessCredentials | OnDemandName;

const LOCAL_NAMES = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };
const CLIENT_SPEC = { commonName: 'harness-client', extKeyUsage: ['clientAuth' as const] };

/** How one on-demand credential is minted, given a way to get the others (each minted once). */
interface OnDemand {
  mint(get: (name: string) => Promise<PemCredential>): Promise<PemCredential>;
  /** The intermediate it is issued by, sent after it in its chain file. */
  chainWith?: string;
}

const webCryptoLeaf = (algorithm: WebCryptoAlgorithm, spec: object): OnDemand => ({
  mint: async (get) => mintWebCryptoCertificate({ algorithm, ...spec }, await get('ca')),
});
const rsaLeaf = (keyBits: 1024 | 4096, spec: object): OnDemand => ({
  mint: async (get) => mintCertificate({ keyBits, ...spec }, (await get('ca')) as Credential),
});
const SERVER_SPEC = { commonName: 'localhost', ...LOCAL_NAMES };

/**
 * Credentials minted only when a selected scenario or server names one, so that runs which do
 * not need them mint as fast as before (an RSA-4096 key alone takes about 5 s on 2 cores, an
 * RSA-8192 one about 20 s, which is why the matrix has none).
 * Every leaf is issued by the harness's RSA root unless it says otherwise.
 */
const ON_DEMAND = {
  serverP256: webCryptoLeaf('P-256', SERVER_SPEC),
  serverP384: webCryptoLeaf('P-384', SERVER_SPEC),
  serverP521: webCryptoLeaf('P-521', SERVER_SPEC),
  serverEd25519: webCryptoLeaf('Ed25519', SERVER_SPEC),
  serverRsa1024: rsaLeaf(1024, SERVER_SPEC),
  serverRsa4096: rsaLeaf(4096, SERVER_SPEC),
  clientP256: webCryptoLeaf('P-256', CLIENT_SPEC),
  clientP384: webCryptoLeaf('P-384', CLIENT_SPEC),
  clientP521: webCryptoLeaf('P-521', CLIENT_SPEC),
  clientEd25519: webCryptoLeaf('Ed25519', CLIENT_SPEC),
  clientRsa1024: rsaLeaf(1024, CLIENT_SPEC),
  /** Self-signed with CA:TRUE, as `openssl req -x509` makes it, and used as its own CA. */
  serverCaAsLeaf: { mint: () => mintCertificate({ ...SERVER_SPEC, isCa: true, extKeyUsage: ['serverAuth'] }) },
  serverClientAuthOnly: { mint: async (get) => mintCertificate({ ...SERVER_SPEC, extKeyUsage: ['clientAuth'] }, get('ca') as Promise<Credential>, keysOf(get('server') as Promise<Credential>)) },
  /** An intermediate whose nameConstraints permit only corp.example, as a corporate CA's do. */
  nameConstrainedCa: {
    mint: async (get) =>
      mintWebCryptoCertificate({ algorithm: 'RSA-2048', commonName: 'Harness Name-Constrained CA', isCa: true, permittedDnsSubtrees: ['corp.example'] }, await get('ca')),
  },
  serverNameConstrained: {
    mint: async (get) => mintWebCryptoCertificate({ algorithm: 'P-256', commonName: 'localhost', dnsNames: ['localhost'] }, await get('nameConstrainedCa')),
    chainWith: 'nameConstrainedCa',
  },
  clientViaIntermediate: {
    mint: async (get) => mintCertificate(CLIENT_SPEC, get('intermediateCa') as Promise<Credential>, keysOf(get('client') as Promise<Credential>)),
    chainWith: 'intermediateCa',
  },
  /** For the names of `server`, from the same CA, with its own key and serial: what a certificate renewal puts in place. */
  serverReplacement: { mint: async (get) => mintCertificate({ commonName: 'localhost', ...serverCertificateNames() }, (await get('ca')) as Credential) },
  /** For the names of `server`, issued by `otherCa`: a renewal from a CA the clients do not trust. */
  serverOtherCa: { mint: async (get) => mintCertificate({ commonName: 'localhost', ...serverCertificateNames() }, (await get('otherCa')) as Credential) },
} satisfies Record<string, OnDemand>;

export type OnDemandName = keyof typeof ON_DEMAND;

const isOnDemand = (name: string): name is OnDemandName => Object.hasOwn(ON_DEMAND, name);

/** The on-demand credentials among `names` (anything else is ignored). */
export function onDemandAmong(names: Iterable<string | undefined>): OnDemandName[] {
  return [...new Set([...names].filter((name): name is OnDemandName => name !== undefined && isOnDemand(name)))];
}

/** Mint `wanted` and whatever they are issued by, each once, beside the base set (still being minted). */
async function mintOnDemand(base: PendingCredentials, wanted: OnDemandName[]): Promise<Map<CredentialName, PemCredential>> {
  const minted = new Map<CredentialName, Promise<PemCredential>>(Object.entries(base) as [CredentialName, Promise<Credential>][]);
  const get = (name: string): Promise<PemCredential> => {
    const known = minted.get(name as CredentialName);
    if (known) return known;
    const pending = (ON_DEMAND[name as OnDemandName] as OnDemand).mint(get);
    minted.set(name as CredentialName, pending);
    return pending;
  };
  await Promise.all(wanted.map(get));
  const extra = new Map<CredentialName, PemCredential>();
  for (const [name, pending] of minted) if (isOnDemand(name)) extra.set(name, await pending);
  return extra;
}

type PendingCredentials = { [Name in keyof HarnessCredentials]: Promise<Credential> };

/** Mint the whole set. */
export async function mintHarnessCredentials(): Promise<HarnessCredentials> {
  return mintAll(pendingHarnessCredentials());
}

/**
 * The whole set, each credential as it becomes ready: every key is generated at once on libuv's
 * thread pool, and each certificate is signed as soon as its issuer is.
 *
 * A certificate that differs from `server` or `client` only by its defect is a reissue with the
 * same key, as certificates are reissued (cert-manager keeps the key unless told otherwise), and
 * as no scenario's outcome depends on: an RSA-2048 key takes 120-340 ms of a core here, and
 * twelve fewer of them are about a second and a half of a 2-core machine's set-up. The CAs, the system
 * worker, `clientOtherCa` (the key a mismatched pair borrows) and the replacement certificates have
 * keys of their own.
 */
function pendingHarnessCredentials(): PendingCredentials {
  const now = Date.now();
  const ca = mintCertificate({ commonName: 'Temporal TLS Harness Root CA', isCa: true });
  const otherCa = mintCertificate({ commonName: 'Some Other PKI Root CA', isCa: true });
  const intermediateCa = mintCertificate({ commonName: 'Temporal TLS Harness Intermediate CA', isCa: true }, ca);
  const localNames = serverCertificateNames();
  const clientSpec = { commonName: 'harness-client', extKeyUsage: ['clientAuth' as const] };
  const expired = { notBefore: new Date(now - 60 * DAY_MS), notAfter: new Date(now - DAY_MS) };
  const server = mintCertificate({ commonName: 'localhost', ...localNames, dnsNames: [...localNames.dnsNames, INTERNAL_SERVER_NAME] }, ca);
  const client = mintCertificate(clientSpec, ca);
  const reissue = (of: Promise<Credential>, spec: CertificateSpec, issuer = ca) => mintCertificate(spec, issuer, keysOf(of));
  return {
    ca,
    otherCa,
    intermediateCa,
    server,
    systemWorker: mintCertificate({ commonName: 'temporal-system-worker', extKeyUsage: ['clientAuth'] }, ca),
    serverViaIntermediate: reissue(server, { commonName: 'localhost', ...localNames }, intermediateCa),
    serverExpired: reissue(server, { commonName: 'localhost', ...localNames, ...expired }),
    serverNotYetValid: reissue(server, {
      commonName: 'localhost',
      ...localNames,
      notBefore: new Date(now + 30 * DAY_MS),
      notAfter: new Date(now + 60 * DAY_MS),
    }),
    serverCnOnly: reissue(server, { commonName: 'localhost' }),
    serverV1: reissue(server, { commonName: 'localhost', version: 1 }),
    serverSha1: reissue(server, { commonName: 'localhost', ...localNames, signatureHash: 'sha1' }),
    serverTlsSample: reissue(server, { commonName: 'tls-sample', dnsNames: ['tls-sample'], ipAddresses: ['::1'] }),
    client,
    clientOtherCa: mintCertificate(clientSpec, otherCa),
    clientExpired: reissue(client, { ...clientSpec, ...expired }),
    clientServerAuthOnly: reissue(client, { commonName: 'harness-client', extKeyUsage: ['serverAuth'] }),
    clientV1: reissue(client, { commonName: 'harness-client', version: 1 }),
  };
}

/** Where each credential lives on disk, plus the derived files scenarios and servers need. */
export interface HarnessPkiFiles {
  dir: string;
  certPath(name: CredentialName): string;
  keyPath(name: CredentialName): string;
  /** Leaf + intermediate, as a server sends its chain (serverViaIntermediate's). */
  chainPath: string;
  /** The chain file of a credential issued by an intermediate: leaf, then that intermediate. */
  chainPathOf(name: CredentialName): string;
  /** An EC key in SEC1 (`BEGIN EC PRIVATE KEY`). */
  sec1KeyPath(name: CredentialName): string;
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
    chainPathOf: (name) => path.join(dir, `${name}-chain.pem`),
    sec1KeyPath: (name) => path.join(dir, `${name}-sec1.key`),
    clientPkcs1KeyPath: path.join(dir, 'client-pkcs1.key'),
    clientEncryptedKeyPath: path.join(dir, 'client-encrypted.key'),
  };
}

/**
 * Mint the harness PKI into `dir` (created if needed), with the on-demand credentials `extra`
 * names; private keys are written 0600.
 */
export async function writeHarnessPki(dir: string, extra: OnDemandName[] = []): Promise<HarnessPkiFiles> {
  const pending = pendingHarnessCredentials();
  const [credentials, onDemand] = await Promise.all([mintAll(pending), mintOnDemand(pending, extra)]);
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
  for (const [name, cred] of onDemand) {
    writes.push(writePublic(files.certPath(name), cred.certPem), writeSecret(files.keyPath(name), cred.keyPem));
    const chainWith = (ON_DEMAND[name as OnDemandName] as OnDemand).chainWith;
    if (chainWith) writes.push(writePublic(files.chainPathOf(name), cred.certPem + (onDemand.get(chainWith as CredentialName) ?? credentials[chainWith as keyof HarnessCredentials]).certPem));
    if (/BEGIN PRIVATE KEY/.test(cred.keyPem) && createPrivateKey(cred.keyPem).asymmetricKeyType === 'ec') {
      writes.push(writeSecret(files.sec1KeyPath(name), sec1Pem(cred.keyPem)));
    }
  }
  await Promise.all(writes);
  return files;
}

/**
 * What a served server and its clients use (`serve`), and nothing else: the CA's certificate (its
 * key stays in memory), the frontend's and the system worker's pairs, and for mTLS the client's.
 * The matrix's defects (expired, SHA-1, v1 ...) are no user's business.
 */
export async function writeServedPki(dir: string, withClient: boolean): Promise<HarnessPkiFiles> {
  const pending = pendingHarnessCredentials();
  const pairs: (keyof HarnessCredentials)[] = ['server', 'systemWorker', ...(withClient ? (['client'] as const) : [])];
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = harnessPkiFiles(dir);
  await Promise.all([
    pending.ca.then((ca) => writePublic(files.certPath('ca'), ca.certPem)),
    ...pairs.map(async (name) => {
      const credential = await pending[name];
      await Promise.all([writePublic(files.certPath(name), credential.certPem), writeSecret(files.keyPath(name), credential.keyPem)]);
    }),
  ]);
  return files;
}

export async function writeSecret(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600); // the mode option is ignored when the file already exists
}

export async function writePublic(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o644 });
}
