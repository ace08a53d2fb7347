/** The minted PKI, parsed back with node:crypto: names, usages, validity, chains, keys, file modes. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CredentialName, HarnessPkiFiles, writeHarnessPki } from './harness-pki';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

let pki: HarnessPkiFiles;
const certs = new Map<string, X509Certificate>();
const cert = (name: CredentialName) => certs.get(name)!;

beforeAll(async () => {
  pki = await writeHarnessPki(await mkdtemp(path.join(os.tmpdir(), 'harness-pki-')));
  const names: CredentialName[] = [
    'ca', 'otherCa', 'intermediateCa', 'server', 'systemWorker', 'serverViaIntermediate', 'serverExpired',
    'serverNotYetValid', 'serverCnOnly', 'serverV1', 'serverSha1', 'serverTlsSample', 'client', 'clientOtherCa',
    'clientExpired', 'clientServerAuthOnly', 'clientV1',
  ];
  for (const name of names) certs.set(name, new X509Certificate(await readFile(pki.certPath(name))));
});

afterAll(() => rm(pki.dir, { recursive: true, force: true }));

test('the server certificate names localhost, its IPs and the internal name, for server auth', () => {
  expect(cert('server').subjectAltName).toBe(
    'DNS:localhost, DNS:internal.harness.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  );
  expect(cert('server').keyUsage).toEqual([SERVER_AUTH]);
  expect(cert('server').ca).toBe(false);
});

test('client certificates are for client auth only', () => {
  expect(cert('client').keyUsage).toEqual([CLIENT_AUTH]);
  expect(cert('systemWorker').keyUsage).toEqual([CLIENT_AUTH]);
  expect(cert('clientServerAuthOnly').keyUsage).toEqual([SERVER_AUTH]);
});

test('CAs are CAs and chains verify', () => {
  expect(cert('ca').ca).toBe(true);
  expect(cert('intermediateCa').ca).toBe(true);
  for (const leaf of ['server', 'client', 'systemWorker', 'serverExpired', 'serverSha1'] as const) {
    expect(cert(leaf).checkIssued(cert('ca'))).toBe(true);
    expect(cert(leaf).verify(cert('ca').publicKey)).toBe(true);
  }
  expect(cert('serverViaIntermediate').verify(cert('intermediateCa').publicKey)).toBe(true);
  expect(cert('intermediateCa').verify(cert('ca').publicKey)).toBe(true);
  expect(cert('clientOtherCa').verify(cert('ca').publicKey)).toBe(false);
  expect(cert('clientOtherCa').verify(cert('otherCa').publicKey)).toBe(true);
});

test('validity windows: now for good certificates, past and future for the defective ones', () => {
  const now = Date.now();
  const window = (name: CredentialName) => [Date.parse(cert(name).validFrom), Date.parse(cert(name).validTo)];
  const [from, to] = window('server');
  expect(from).toBeLessThan(now);
  expect(to).toBeGreaterThan(now);
  expect(window('serverExpired')[1]).toBeLessThan(now);
  expect(window('clientExpired')[1]).toBeLessThan(now);
  expect(window('serverNotYetValid')[0]).toBeGreaterThan(now);
});

test('the defective variants have exactly their defect', () => {
  expect(cert('serverCnOnly').subjectAltName).toBeUndefined();
  expect(cert('serverCnOnly').subject).toBe('CN=localhost');
  expect(cert('serverV1').toLegacyObject()).not.toHaveProperty('ext_key_usage');
  expect(cert('serverV1').subjectAltName).toBeUndefined();
  expect(cert('serverTlsSample').subjectAltName).toBe('DNS:tls-sample, IP Address:0:0:0:0:0:0:0:1');
});

test('each key belongs to its certificate, and private keys are 0600', async () => {
  for (const name of ['server', 'client', 'systemWorker', 'serverV1'] as const) {
    const key = createPrivateKey(await readFile(pki.keyPath(name)));
    expect(cert(name).checkPrivateKey(key)).toBe(true);
    expect((await stat(pki.keyPath(name))).mode & 0o777).toBe(0o600);
  }
  expect(cert('client').checkPrivateKey(createPrivateKey(await readFile(pki.keyPath('clientOtherCa'))))).toBe(false);
  expect(cert('client').checkPrivateKey(createPrivateKey(await readFile(pki.clientPkcs1KeyPath)))).toBe(true);
  expect(await readFile(pki.clientPkcs1KeyPath, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  expect(await readFile(pki.clientEncryptedKeyPath, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  expect((await stat(pki.clientEncryptedKeyPath)).mode & 0o777).toBe(0o600);
});

test("a defect's certificate is a reissue of the server's or client's key; the CAs, the system worker and clientOtherCa have keys of their own", () => {
  const keyOf = (name: CredentialName) => cert(name).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const reissues = {
    server: ['serverViaIntermediate', 'serverExpired', 'serverNotYetValid', 'serverCnOnly', 'serverV1', 'serverSha1', 'serverTlsSample'],
    client: ['clientExpired', 'clientServerAuthOnly', 'clientV1'],
  } as const;
  for (const [of, names] of Object.entries(reissues)) {
    for (const name of names) expect([name, keyOf(name)]).toEqual([name, keyOf(of as CredentialName)]);
  }
  const own: CredentialName[] = ['ca', 'otherCa', 'intermediateCa', 'server', 'systemWorker', 'client', 'clientOtherCa'];
  expect(new Set(own.map(keyOf)).size).toBe(own.length);
});

test('PEM files end lines with LF only, as OpenSSL writes them', async () => {
  for (const file of [pki.certPath('client'), pki.keyPath('client'), pki.clientPkcs1KeyPath, pki.chainPath]) {
    expect(await readFile(file, 'utf8')).not.toContain('\r');
  }
});

test('the chain file is the leaf followed by its intermediate', async () => {
  const chain = await readFile(pki.chainPath, 'utf8');
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  expect(blocks.map((block) => new X509Certificate(block).subject)).toEqual([
    cert('serverViaIntermediate').subject,
    cert('intermediateCa').subject,
  ]);
});
