/** The on-demand credentials (EC, Ed25519, RSA sizes, server-side mistakes), parsed back with node:crypto. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CredentialName, HarnessPkiFiles, onDemandAmong, writeHarnessPki } from './harness-pki';

let pki: HarnessPkiFiles;
const cert = async (name: CredentialName) => new X509Certificate(await readFile(pki.certPath(name)));
const ALL = onDemandAmong([
  'serverP256', 'serverP384', 'serverP521', 'serverEd25519', 'serverRsa1024', 'serverRsa4096', 'clientP256', 'clientP384',
  'clientP521', 'clientEd25519', 'clientRsa1024', 'serverCaAsLeaf', 'serverClientAuthOnly', 'serverNameConstrained', 'clientViaIntermediate',
]);

beforeAll(async () => {
  pki = await writeHarnessPki(await mkdtemp(path.join(os.tmpdir(), 'harness-pki-on-demand-')), ALL);
}, 60_000);
afterAll(() => rm(pki.dir, { recursive: true, force: true }));

test('only names of on-demand credentials count as on-demand', () => {
  expect(onDemandAmong(['client', 'serverP256', undefined, 'serverP256', 'nonsense'])).toEqual(['serverP256']);
});

test.each<[CredentialName, string, object]>([
  ['serverP256', 'ec', { namedCurve: 'prime256v1' }],
  ['serverP384', 'ec', { namedCurve: 'secp384r1' }],
  ['serverP521', 'ec', { namedCurve: 'secp521r1' }],
  ['serverEd25519', 'ed25519', {}],
  ['serverRsa1024', 'rsa', { modulusLength: 1024 }],
  ['serverRsa4096', 'rsa', { modulusLength: 4096 }],
  ['clientP256', 'ec', { namedCurve: 'prime256v1' }],
  ['clientEd25519', 'ed25519', {}],
  ['clientRsa1024', 'rsa', { modulusLength: 1024 }],
])('%s: a %s key that belongs to its certificate, issued by the harness root, PKCS#8 and 0600', async (name, type, details) => {
  const leaf = await cert(name);
  const key = createPrivateKey(await readFile(pki.keyPath(name)));
  expect(key.asymmetricKeyType).toBe(type);
  expect(key.asymmetricKeyDetails).toMatchObject(details);
  expect(leaf.checkPrivateKey(key)).toBe(true);
  expect(leaf.verify((await cert('ca')).publicKey)).toBe(true);
  expect(await readFile(pki.keyPath(name), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  expect((await stat(pki.keyPath(name))).mode & 0o777).toBe(0o600);
  expect(leaf.ca).toBe(false);
  expect(leaf.keyUsage).toEqual([name.startsWith('server') ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2']);
});

test('EC keys also come in SEC1, the same key', async () => {
  const sec1 = await readFile(pki.sec1KeyPath('clientP256'), 'utf8');
  expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
  expect((await cert('clientP256')).checkPrivateKey(createPrivateKey(sec1))).toBe(true);
});

test('server-side mistakes: CA as leaf, clientAuth-only EKU, a name-constrained intermediate with its chain', async () => {
  const caAsLeaf = await cert('serverCaAsLeaf');
  expect(caAsLeaf.ca).toBe(true);
  expect(caAsLeaf.checkIssued(caAsLeaf)).toBe(true);
  expect(caAsLeaf.subjectAltName).toContain('DNS:localhost');
  expect((await cert('serverClientAuthOnly')).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  const constrained = await cert('nameConstrainedCa');
  expect(constrained.ca).toBe(true);
  const chain = (await readFile(pki.chainPathOf('serverNameConstrained'), 'utf8')).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  expect(chain.map((block) => new X509Certificate(block).subject)).toEqual(['CN=localhost', 'CN=Harness Name-Constrained CA']);
  expect(new X509Certificate(chain[0] ?? '').verify(constrained.publicKey)).toBe(true);
  expect(constrained.verify((await cert('ca')).publicKey)).toBe(true);
});

test('only what was asked for is minted', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'harness-pki-base-'));
  try {
    await writeHarnessPki(dir, ['serverNameConstrained']);
    const files = await readdir(dir);
    expect(files).toEqual(expect.arrayContaining(['serverNameConstrained.pem', 'nameConstrainedCa.pem', 'serverNameConstrained-chain.pem']));
    expect(files.filter((file) => /P256|P521|Rsa1024|Ed25519/.test(file))).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
