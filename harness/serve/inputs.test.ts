/**
 * serve's input checks against real files: every wrong input is one line naming the flag, the
 * file and what is wrong with it; and the server name derived from real certificates.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors';
import { readUserCertificates, type UserCertificateOptions } from './inputs';
import { makeOpensslPki, type OpensslPki } from './openssl-pki';
import { addressingFor } from './server-name';

let dir: string;
let pki: OpensslPki;
let other: OpensslPki;
let good: UserCertificateOptions;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'serve-inputs-'));
  await mkdir(path.join(dir, 'other'));
  pki = makeOpensslPki(dir);
  other = makeOpensslPki(path.join(dir, 'other'), 'DNS:localhost,IP:127.0.0.1');
  good = {
    serverCert: pki.server.cert,
    serverKey: pki.server.key,
    ca: pki.ca,
    clientCa: [pki.ca],
    clientCert: pki.client.cert,
    clientKey: pki.client.key,
  };
  await writeFile(path.join(dir, 'empty.pem'), '');
  await writeFile(path.join(dir, 'garbage.pem'), 'this is not a certificate\n');
  await writeFile(path.join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/** The one line readUserCertificates throws, or a failure when it throws none or something else. */
function problem(options: UserCertificateOptions, mode: 'tls' | 'mtls' | 'plain' = 'mtls'): string {
  try {
    readUserCertificates(mode, options);
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('no problem reported');
}

test('good certificates come back as absolute paths with the parsed server certificate', () => {
  const user = readUserCertificates('mtls', good)!;
  expect(user).toMatchObject({ serverCert: pki.server.cert, ca: pki.ca, clientCas: [pki.ca], client: pki.client });
  expect(user.serverCertificate.subject).toBe('CN=tls-sample');
});

test('no certificate option means serve mints its own', () => {
  expect(readUserCertificates('mtls', { clientCa: [] })).toBeUndefined();
});

const file = (name: string) => path.join(dir, name);

test.each<[string, () => UserCertificateOptions, RegExp]>([
  ['a missing file', () => ({ serverCert: file('no-such-dir/server.pem') }), /--server-cert .*no-such-dir\/server\.pem does not exist: check the path$/],
  ['a directory', () => ({ ca: dir }), /--ca .* is a directory, not a file: give the path of the PEM file inside it$/],
  ['a key where the certificate belongs', () => ({ serverCert: pki.server.key }), /--server-cert .*server\.key holds a private key, not a certificate$/],
  ['a certificate where the key belongs', () => ({ serverKey: pki.server.cert }), /--server-key .*server\.pem holds a certificate, not a private key$/],
  ['an empty file', () => ({ ca: file('empty.pem') }), /--ca .*empty\.pem is empty$/],
  ['garbage', () => ({ clientCa: [file('garbage.pem')] }), /--client-ca .*garbage\.pem holds no PEM certificate/],
  ['a certificate block that does not parse', () => ({ serverCert: file('broken.pem') }), /--server-cert .*broken\.pem has a certificate block that does not parse/],
  ['the key of another certificate', () => ({ serverKey: other.server.key }), /--server-key .* does not belong to --server-cert /],
  ['a client key of another certificate', () => ({ clientKey: pki.server.key }), /--client-key .* does not belong to --client-cert /],
  ['a client certificate without its key', () => ({ clientKey: undefined }), /--client-cert and --client-key go together/],
  ['mtls without a client CA', () => ({ clientCa: [] }), /--mode mtls with your own certificates needs --client-ca/],
  ['half the server options', () => ({ serverKey: undefined, ca: undefined }), /--server-key and --ca missing/],
])('%s is one clear line', (_what, change, expected) => {
  expect(problem({ ...good, ...change() })).toMatch(expected);
});

test('an encrypted key is refused before the server would fail on it', async () => {
  const encrypted = path.join(dir, 'encrypted.key');
  const key = createPrivateKey(readFileSync(pki.server.key));
  await writeFile(encrypted, key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }));
  expect(problem({ ...good, serverKey: encrypted })).toMatch(/--server-key .*encrypted\.key is encrypted/);
});

test('modes that take no such option say so', () => {
  expect(problem(good, 'plain')).toMatch(/--mode plain serves without TLS/);
  expect(problem(good, 'tls')).toMatch(/--client-ca applies to --mode mtls only/);
});

test('a certificate naming only tls-sample needs that server name; one naming localhost needs none', () => {
  const read = (file: string) => new X509Certificate(readFileSync(file));
  expect(addressingFor(read(pki.server.cert))).toEqual({ host: 'localhost', serverName: 'tls-sample' });
  expect(addressingFor(read(other.server.cert))).toEqual({ host: 'localhost' });
});

test('IP-only, wildcard and SAN-less certificates', async () => {
  const make = async (name: string, altNames: string | null) => {
    await mkdir(path.join(dir, name));
    return new X509Certificate(readFileSync(makeOpensslPki(path.join(dir, name), altNames).server.cert));
  };
  expect(addressingFor(await make('ip', 'IP:127.0.0.1'))).toEqual({ host: '127.0.0.1' });
  expect(addressingFor(await make('wildcard', 'DNS:*.example.com'))).toEqual({ host: 'localhost', serverName: 'temporal.example.com' });
  const addressing = addressingFor(await make('cn-only', null));
  expect(addressing).toMatchObject({ host: 'localhost', serverName: 'tls-sample' });
  expect(addressing.warning).toMatch(/no subjectAltName/);
});
