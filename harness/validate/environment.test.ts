/** The environment report: which stack reads which store and proxy, said before any probe. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mintCertificate } from '../pki/mint';
import { describeEnvironment } from './environment';
import { resolveSettings } from './settings';

let dir: string;
let chain: X509Certificate[];
let caFile: string;
let emptyFile: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'environment-'));
  const ca = await mintCertificate({ commonName: 'Corporate Root', isCa: true });
  const server = await mintCertificate({ commonName: 'localhost', dnsNames: ['localhost'] }, ca);
  chain = [new X509Certificate(server.certPem)];
  caFile = path.join(dir, 'ca.pem');
  emptyFile = path.join(dir, 'empty.pem');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(emptyFile, '');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tlsServer = (serverCa = false) => ({ chain, serverCa, tls: true });

test('a CA only in NODE_EXTRA_CA_CERTS reaches the client only', () => {
  const report = describeEnvironment({ NODE_EXTRA_CA_CERTS: caFile, SSL_CERT_FILE: emptyFile }, [], tlsServer());
  expect(report.variables).toEqual({ NODE_EXTRA_CA_CERTS: caFile, SSL_CERT_FILE: emptyFile });
  expect(report.systemStore).toEqual({ from: emptyFile, certificates: 0 });
  expect(report.notes).toEqual([
    `the worker's system store (${emptyFile}) is empty: with tls on and no CA, the worker fails (SYSTEM_ROOTS_MISSING)`,
    'the server\'s CA is only in NODE_EXTRA_CA_CERTS, which only the client reads: the worker will not trust the server (give it SSL_CERT_FILE)',
  ]);
});

test('a CA only in SSL_CERT_FILE reaches the worker only, unless Node runs with --use-openssl-ca', () => {
  expect(describeEnvironment({ SSL_CERT_FILE: caFile }, [], tlsServer()).notes).toEqual([
    "the server's CA is only in SSL_CERT_FILE, which only the worker reads: the client will not trust the server (give it NODE_EXTRA_CA_CERTS or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)",
  ]);
  const openssl = describeEnvironment({ SSL_CERT_FILE: caFile, NODE_OPTIONS: '--use-openssl-ca' }, [], tlsServer());
  expect(openssl.nodeFlags).toEqual(['--use-openssl-ca']);
  expect(openssl.notes).toEqual([]);
});

test('a CA passed by the application replaces the stores that hold the right one', () => {
  expect(describeEnvironment({ SSL_CERT_FILE: caFile, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: caFile }, [], tlsServer(true)).notes[0]).toMatch(
    /^the server's CA is in GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, SSL_CERT_FILE, but the CA the application passes replaces every store/,
  );
});

test('proxies: lower case reaches the client only, upper case neither, https:// URLs are ignored', () => {
  const env = { SSL_CERT_FILE: caFile };
  expect(describeEnvironment({ ...env, https_proxy: 'http://proxy:3128', no_proxy: 'localhost' }, []).notes).toEqual([
    'the client goes through the HTTP proxy proxy:3128 except for localhost; the worker ignores the proxy variables and connects directly',
  ]);
  expect(describeEnvironment({ ...env, HTTPS_PROXY: 'http://proxy:3128' }, []).notes[0]).toMatch(/only in upper case/);
  expect(describeEnvironment({ ...env, https_proxy: 'https://proxy:3128' }, []).notes).toEqual([
    'the proxy URL https://proxy:3128 is not http://, which grpc-js ignores: the client connects directly',
  ]);
});

test('--tls turns TLS on with the system roots, on flags and on variables alike', () => {
  expect(resolveSettings({ address: 'localhost:7233', tls: true }, {}).tls).toEqual({});
  expect(resolveSettings({ tls: true }, { TEMPORAL_ADDRESS: 'host:7233' })).toMatchObject({ source: 'env:envconfig', address: 'host:7233', tls: {} });
  // Without it, the shared variables alone read as envconfig reads them: plaintext.
  expect(resolveSettings({}, { TEMPORAL_ADDRESS: 'host:7233' }).tls).toBe(false);
});
