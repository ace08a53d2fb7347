/**
 * `validate`, judged on certificates made by the `openssl` command line at test time (never by
 * the harness's own minting): offline on every defect of the matrix's certificate families, and
 * live through both SDK stacks against the real servers the jest global set-up started.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildProgram } from '../cli';
import { ENVIRONMENT_VARIABLE } from '../e2e/global-setup';
import { HarnessError } from '../errors';
import { pkiOf, type EnvironmentDescription } from '../matrix/environment';
import { makeOpensslFixtures, type OpensslFixtures } from './openssl-fixtures';
import { lintServerChain } from './server-cert';
import { grpcProxy } from '../intermediaries/grpc-proxy';
import type { StartedIntermediary } from '../intermediaries/intermediary';
import { validate, type ValidateOptions, type ValidateReport } from './validate';

const description: EnvironmentDescription = JSON.parse(process.env[ENVIRONMENT_VARIABLE] ?? 'null');
const harness = pkiOf(description);
/** `localhost:<port>`, as the matrix dials its servers (the certificates name localhost). */
const address = (server: string) => `localhost:${description.endpoints[server].address.split(':').pop()}`;
const REPO = path.resolve(__dirname, '../..');

let work: string;
/** Signed by an openssl-made root (no CN). */
let fx: OpensslFixtures;
/** The same set signed by the harness CA, so the real mTLS server accepts its client certificates. */
let live: OpensslFixtures;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'validate-test-'));
  fx = makeOpensslFixtures(path.join(work, 'openssl'));
  live = makeOpensslFixtures(path.join(work, 'openssl-harness-ca'), { root: { cert: harness.certPath('ca'), key: harness.keyPath('ca') } });
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Findings that matter, as `severity:CODE`. */
const problems = (report: ValidateReport) => report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity}:${f.code}`);
const outcomes = (report: ValidateReport) => Object.fromEntries(report.probes.map((p) => [p.stack, p.diagnosis ?? 'ok']));
/** No environment: the flags alone decide. */
const offline = (options: ValidateOptions) => validate({ ...options, offline: true }, {});

/** A copy of `file` with every line break written as the two characters \n, as an env var holds it. */
function withLiteralNewlines(fixtures: OpensslFixtures, file: string): string {
  const damaged = path.join(fixtures.dir, `literal-newlines-${path.basename(file)}`);
  writeFileSync(damaged, readFileSync(file, 'utf8').replace(/\n/g, '\\n'), { mode: 0o600 });
  return damaged;
}

describe('offline: a good openssl-made set passes', () => {
  test.each([
    ['RSA key in PKCS#8, CA without a CN', () => ({ cert: fx.cert('client'), key: fx.keyOf('client') }), /RSA 2048 private key, PKCS#8/],
    ['RSA key in PKCS#1', () => ({ cert: fx.cert('client'), key: fx.clientPkcs1Key }), /RSA 2048 private key, PKCS#1/],
    ['EC key in SEC1 after an EC PARAMETERS block', () => ({ cert: fx.cert('client-ec'), key: fx.keyOf('client-ec') }), /EC prime256v1 private key, SEC1/],
    ['leaf and intermediate in one file', () => ({ cert: fx.clientChain, key: fx.keyOf('client') }), /chains to "O=Validate Test Intermediate" -> "O=Validate Test Root/],
  ])('%s', async (_name, files, checked) => {
    const report = await offline({ ca: fx.cert('root'), ...files() });
    expect(problems(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.source).toBe('flags');
    expect(report.checked.join('\n')).toMatch(checked);
    expect(report.checked.join('\n')).toMatch(/belongs to the client certificate/);
  });

  test('CRLF line endings are named but pass: both stacks read them', async () => {
    const crlf = path.join(fx.dir, 'client-crlf.pem');
    writeFileSync(crlf, readFileSync(fx.cert('client'), 'utf8').replace(/\n/g, '\r\n'));
    const report = await offline({ ca: fx.cert('root'), cert: crlf, key: fx.keyOf('client') });
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([expect.objectContaining({ code: 'PEM_DAMAGE_TOLERATED', severity: 'info', message: expect.stringMatching(/CRLF line endings \(line 1\)/) })]);
  });
});

describe('offline: each openssl-made defect is named', () => {
  const client = (cert: Parameters<OpensslFixtures['cert']>[0]) => () => ({ cert: fx.cert(cert), key: fx.keyOf(cert) });
  test.each<[string, () => ValidateOptions, string[]]>([
    ['client-cert-expired (openssl ca -enddate in the past)', client('client-expired'), ['error:CLIENT_CERT_EXPIRED']],
    ['client-cert-not-yet-valid', client('client-not-yet-valid'), ['error:CLIENT_CERT_NOT_YET_VALID']],
    ['client-cert-server-auth-only', client('client-server-auth-only'), ['error:CLIENT_CERT_WRONG_USAGE']],
    ['key-does-not-match-cert', () => ({ cert: fx.cert('client'), key: fx.keyOf('server') }), ['error:KEY_CERT_MISMATCH']],
    ['encrypted-key (PKCS#8)', () => ({ cert: fx.cert('client'), key: fx.clientEncryptedKey }), ['error:KEY_ENCRYPTED']],
    ['encrypted-key (legacy PKCS#1 with Proc-Type)', () => ({ cert: fx.cert('client'), key: fx.clientLegacyEncryptedKey }), ['error:KEY_ENCRYPTED']],
    ['v1-client-cert (x509 -req without -extfile)', client('client-v1'), ['error:CERT_V1_UNSUPPORTED']],
    ['sha1-signature (x509 -req -sha1)', client('client-sha1'), ['error:WEAK_SIGNATURE']],
    ['client-cert-other-ca', client('client-other-ca'), ['warning:CLIENT_CERT_ISSUER_UNKNOWN']],
    ['expires in 10 days', client('client-expires-soon'), ['warning:CERT_EXPIRES_SOON']],
    ['RSA 1024 key: the worker cannot sign with it', client('client-small-key'), ['error:KEY_TOO_SMALL']],
    ['P-521 key: the worker has no P-521', client('client-p521'), ['error:KEY_ALGORITHM_UNSUPPORTED']],
    ['Ed25519 key: both stacks take it', client('client-ed25519'), []],
    ['certificate as DER (openssl x509 -outform der)', () => ({ cert: fx.clientCertDer, key: fx.keyOf('client') }), ['error:CERT_DER_NOT_PEM']],
    ['key as DER (openssl pkey -outform der)', () => ({ cert: fx.cert('client'), key: fx.clientKeyDer }), ['error:KEY_DER_NOT_PEM']],
    ['PKCS#12 as certificate and key (openssl pkcs12 -export)', () => ({ cert: fx.clientPkcs12, key: fx.clientPkcs12 }), ['error:PKCS12_NOT_PEM', 'error:PKCS12_NOT_PEM']],
    ['certificate PEM base64-encoded again (openssl base64 -A)', () => ({ cert: fx.clientCertBase64, key: fx.keyOf('client') }), ['error:PEM_DOUBLE_ENCODED']],
    ['CA-as-leaf (openssl req -x509 with CA:TRUE and SANs) given as the CA', () => ({ ca: fx.caAsLeaf }), ['warning:CA_USED_AS_END_ENTITY']],
    ['server-leaf-as-ca', () => ({ ...client('client')(), ca: fx.cert('server') }), ['error:CA_NOT_A_CA', 'warning:CLIENT_CERT_ISSUER_UNKNOWN']],
    ['server-name-override-with-port', () => ({ ...client('client')(), serverName: 'localhost:7233' }), ['error:SERVER_NAME_INVALID']],
  ])('%s', async (_name, files, expected) => {
    const report = await offline({ ca: fx.cert('root'), ...files() });
    expect(problems(report)).toEqual(expected);
    expect(report.ok).toBe(!expected.some((p) => p.startsWith('error')));
    for (const finding of report.findings) expect(finding.fix).not.toBe('');
  });

  test('whitespace damage is named with its line: a key with literal \\n, an indented CA', async () => {
    const indentedCa = path.join(fx.dir, 'indented-ca.pem');
    writeFileSync(indentedCa, readFileSync(fx.cert('root'), 'utf8').replace(/^/gm, '  '));
    const report = await offline({ ca: indentedCa, cert: fx.cert('client'), key: withLiteralNewlines(fx, fx.keyOf('client')) });
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'CERT_MALFORMED', severity: 'error', message: expect.stringContaining('line 1 is indented by 2 spaces') }),
      expect.objectContaining({ code: 'KEY_MALFORMED', severity: 'error', message: expect.stringContaining('literal "\\n" escapes instead of line breaks (line 1)') }),
    ]);
    // The rest is checked on the repaired text, and no key material is quoted.
    expect(report.checked.join('\n')).toMatch(/belongs to the client certificate/);
    expect(JSON.stringify(report.findings)).not.toMatch(/MII/);
  });

  test('a chain in the wrong order: the key belongs to the second certificate', async () => {
    const report = await offline({ ca: fx.cert('root'), cert: fx.clientChainReversed, key: fx.keyOf('client') });
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'KEY_CERT_MISMATCH', message: expect.stringMatching(/belongs to certificate #2 .* the leaf must come first/) }),
    );
  });
});

describe('--fix-output', () => {
  test('writes the repaired key 0600 beside nothing, and leaves the original alone', async () => {
    const damaged = withLiteralNewlines(fx, fx.keyOf('client'));
    const before = readFileSync(damaged, 'utf8');
    const out = path.join(work, 'fixed');
    const report = await offline({ ca: fx.cert('root'), cert: fx.cert('client'), key: damaged, fixOutput: out });
    const copy = path.join(out, path.basename(damaged));
    expect(report.repaired).toEqual([copy]);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(fx.keyOf('client'), 'utf8'));
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readFileSync(damaged, 'utf8')).toBe(before);
    expect(report.findings[0].fix).toContain(copy);
  });

  test.each<[string, () => ValidateOptions, string[]]>([
    ['DER certificate and key', () => ({ cert: fx.clientCertDer, key: fx.clientKeyDer }), ['client.pem', 'client-key.pem']],
    ['PKCS#12 without a password', () => ({ cert: fx.clientPkcs12, key: fx.clientPkcs12 }), ['client.pem', 'client.key.pem']],
    ['double-encoded certificate', () => ({ cert: fx.clientCertBase64, key: fx.keyOf('client') }), ['client.pem']],
  ])('converts %s to PEM copies, keys 0600', async (_name, files, names) => {
    const out = path.join(work, `converted-${names.join('-')}`);
    const report = await offline({ ca: fx.cert('root'), ...files(), fixOutput: out });
    expect(report.repaired.map((file) => path.basename(file)).sort()).toEqual([...names].sort());
    const original = new X509Certificate(readFileSync(fx.cert('client')));
    for (const copy of report.repaired) {
      if (/key\.pem$/.test(copy)) {
        expect(original.checkPrivateKey(createPrivateKey(readFileSync(copy)))).toBe(true);
        expect(statSync(copy).mode & 0o777).toBe(0o600);
      } else {
        expect(new X509Certificate(readFileSync(copy)).fingerprint256).toBe(original.fingerprint256);
      }
    }
    // The copies pass: validating them names nothing.
    const cert = report.repaired.find((file) => !/key\.pem$/.test(file)) ?? fx.cert('client');
    const key = report.repaired.find((file) => /key\.pem$/.test(file)) ?? fx.keyOf('client');
    expect(problems(await offline({ ca: fx.cert('root'), cert, key }))).toEqual([]);
  });

  test('refuses a folder where a copy would replace its original, writing nothing', async () => {
    const damaged = withLiteralNewlines(fx, fx.keyOf('client'));
    const listing = readdirSync(fx.dir).sort();
    await expect(offline({ cert: fx.cert('client'), key: damaged, fixOutput: fx.dir })).rejects.toThrow(/never replace originals/);
    expect(readdirSync(fx.dir).sort()).toEqual(listing);
  });
});

describe('offline: the server-cert family, on openssl-made server certificates', () => {
  const certs = (...files: string[]) => files.flatMap((file) => readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
  test.each<[string, () => { sent: string[]; dial?: string; serverName?: string; ca?: string }, string[]]>([
    ['good: dial localhost', () => ({ sent: [fx.cert('server')], ca: fx.cert('root') }), []],
    ['good: dial 127.0.0.1 (IP SAN)', () => ({ sent: [fx.cert('server')], dial: '127.0.0.1:7233', ca: fx.cert('root') }), []],
    ['expired', () => ({ sent: [fx.cert('server-expired')], ca: fx.cert('root') }), ['error:SERVER_CERT_EXPIRED']],
    ['v1-server-cert', () => ({ sent: [fx.cert('server-v1')], ca: fx.cert('root') }), ['error:CERT_V1_UNSUPPORTED', 'error:SERVER_CERT_NO_SAN']],
    ['sha1-signature', () => ({ sent: [fx.cert('server-sha1')], ca: fx.cert('root') }), ['error:WEAK_SIGNATURE']],
    ['cn-only-no-san', () => ({ sent: [fx.cert('server-cn-only')], ca: fx.cert('root') }), ['error:SERVER_CERT_NO_SAN']],
    ['hostname-mismatch (names only tls-sample)', () => ({ sent: [fx.cert('server-tls-sample')], ca: fx.cert('root') }), ['error:SERVER_NAME_MISMATCH']],
    ['other-host-with-override', () => ({ sent: [fx.cert('server-tls-sample')], serverName: 'tls-sample', ca: fx.cert('root') }), []],
    ['server-name-override-wrong', () => ({ sent: [fx.cert('server')], serverName: 'wrong.example.com', ca: fx.cert('root') }), ['error:SERVER_NAME_MISMATCH']],
    ['ca-of-another-pki', () => ({ sent: [fx.cert('server')], ca: fx.cert('otherRoot') }), ['error:SERVER_CA_UNTRUSTED']],
    ['untrusted-ca-system-roots', () => ({ sent: [fx.cert('server')] }), ['error:SERVER_CA_UNTRUSTED']],
    ['chain-sent', () => ({ sent: [fx.cert('server-via-intermediate'), fx.cert('intermediate')], ca: fx.cert('root') }), []],
    ['chain-not-sent', () => ({ sent: [fx.cert('server-via-intermediate')], ca: fx.cert('root') }), ['error:SERVER_CA_UNTRUSTED']],
    ['intermediate-as-only-root', () => ({ sent: [fx.cert('server-via-intermediate'), fx.cert('intermediate')], ca: fx.cert('intermediate') }), ['error:INTERMEDIATE_AS_ROOT']],
    ['server cert with EKU clientAuth only', () => ({ sent: [fx.cert('server-client-auth-only')], ca: fx.cert('root') }), ['error:SERVER_CERT_WRONG_USAGE']],
    ['ca-as-leaf: the server sends a self-signed CA:TRUE certificate, trusted as its own CA', () => ({ sent: [fx.caAsLeaf], ca: fx.caAsLeaf }), ['error:CA_USED_AS_END_ENTITY']],
  ])('%s', (_name, setup, expected) => {
    const { sent, dial, serverName, ca } = setup();
    const result = lintServerChain(certs(...sent), dial ?? 'localhost:7233', { serverName }, { certs: ca ? certs(ca) : [], label: ca }, Date.now());
    expect(result.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity}:${f.code}`).sort()).toEqual([...expected].sort());
  });
});

describe('live, through both SDK stacks against the real servers', () => {
  const harnessClient = () => ({ ca: harness.certPath('ca'), cert: harness.certPath('client'), key: harness.keyPath('client') });

  test('mtls with the harness client certificate: ok on both stacks', async () => {
    const report = await validate({ address: address('mtls'), ...harnessClient() }, {});
    expect(outcomes(report)).toEqual({ client: 'ok', worker: 'ok' });
    expect(problems(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.disagreement).toBeNull();
    expect(report.checked.join('\n')).toMatch(/server certificate chains to server CA/);
  });

  test('mtls without a client certificate: CLIENT_CERT_REQUIRED on both', async () => {
    const report = await validate({ address: address('mtls'), ca: harness.certPath('ca') }, {});
    expect(outcomes(report)).toEqual({ client: 'CLIENT_CERT_REQUIRED', worker: 'CLIENT_CERT_REQUIRED' });
    expect(report.ok).toBe(false);
  });

  test("a server bound to 127.0.0.1 in its container: SERVER_BOUND_TO_LOOPBACK on both, from what listens inside its published port", async () => {
    const report = await validate({ address: address('tls-bound-to-loopback'), ca: harness.certPath('ca') }, {});
    expect(outcomes(report)).toEqual({ client: 'SERVER_BOUND_TO_LOOPBACK', worker: 'SERVER_BOUND_TO_LOOPBACK' });
    expect(report.ok).toBe(false);
  });

  test('tls with an openssl-made CA that did not issue the server certificate: SERVER_CA_UNTRUSTED, offline and live', async () => {
    const report = await validate({ address: address('tls'), ca: fx.cert('root') }, {});
    expect(problems(report)).toEqual(['error:SERVER_CA_UNTRUSTED']);
    expect(outcomes(report)).toEqual({ client: 'SERVER_CA_UNTRUSTED', worker: 'SERVER_CA_UNTRUSTED' });
  });

  // openssl-made client certificates (signed by the harness CA, which the mtls server trusts):
  // the offline finding and the live diagnosis must agree.
  test.concurrent.each<[string, () => ValidateOptions, string | null, Record<string, string>]>([
    ['EC key in SEC1', () => ({ cert: live.cert('client-ec'), key: live.keyOf('client-ec') }), null, { client: 'ok', worker: 'ok' }],
    ['RSA key in PKCS#1', () => ({ cert: live.cert('client'), key: live.clientPkcs1Key }), null, { client: 'ok', worker: 'ok' }],
    ['chain in one file', () => ({ cert: live.clientChain, key: live.keyOf('client') }), null, { client: 'ok', worker: 'ok' }],
    ['client-cert-expired', () => ({ cert: live.cert('client-expired'), key: live.keyOf('client') }), 'CLIENT_CERT_EXPIRED', { client: 'CLIENT_CERT_EXPIRED', worker: 'CLIENT_CERT_EXPIRED' }],
    ['client-cert-server-auth-only', () => ({ cert: live.cert('client-server-auth-only'), key: live.keyOf('client') }), 'CLIENT_CERT_WRONG_USAGE', { client: 'CLIENT_CERT_WRONG_USAGE', worker: 'CLIENT_CERT_WRONG_USAGE' }],
    ['key-does-not-match-cert', () => ({ cert: live.cert('client'), key: live.keyOf('server') }), 'KEY_CERT_MISMATCH', { client: 'KEY_CERT_MISMATCH', worker: 'KEY_CERT_MISMATCH' }],
    ['encrypted-key', () => ({ cert: live.cert('client'), key: live.clientEncryptedKey }), 'KEY_ENCRYPTED', { client: 'KEY_ENCRYPTED', worker: 'KEY_ENCRYPTED' }],
    ['key with literal \\n', () => ({ cert: live.cert('client'), key: withLiteralNewlines(live, live.keyOf('client')) }), 'KEY_MALFORMED', { client: 'KEY_MALFORMED', worker: 'KEY_MALFORMED' }],
    ['v1-client-cert', () => ({ cert: live.cert('client-v1'), key: live.keyOf('client') }), 'CERT_V1_UNSUPPORTED', { client: 'ok', worker: 'CERT_V1_UNSUPPORTED' }],
    ['client-cert-other-ca', () => ({ cert: fx.cert('client-other-ca'), key: fx.keyOf('client-other-ca') }), null, { client: 'CLIENT_CERT_UNTRUSTED', worker: 'CLIENT_CERT_UNTRUSTED' }],
  ])('mtls, openssl-made %s', async (_name, files, finding, expected) => {
    const report = await validate({ address: address('mtls'), ca: harness.certPath('ca'), ...files() }, {});
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect({ errors, probes: outcomes(report) }).toEqual({ errors: finding ? [finding] : [], probes: expected });
    expect(report.disagreement === null).toBe(expected.client === expected.worker);
  });

  // The server's certificate is read from the real server and checked before the probes.
  test.concurrent.each<[string, ValidateOptions, string[], Record<string, string>]>([
    ['hostname-mismatch', { ca: harness.certPath('ca') }, ['SERVER_NAME_MISMATCH'], { client: 'SERVER_NAME_MISMATCH', worker: 'SERVER_NAME_MISMATCH' }],
    ['other-host-with-override', { ca: harness.certPath('ca'), serverName: 'tls-sample' }, [], { client: 'ok', worker: 'ok' }],
    ['cn-only-no-san', { ca: harness.certPath('ca') }, ['SERVER_CERT_NO_SAN'], { client: 'ok', worker: 'SERVER_CERT_NO_SAN' }],
    ['v1-server-cert', { ca: harness.certPath('ca') }, ['CERT_V1_UNSUPPORTED', 'SERVER_CERT_NO_SAN'], { client: 'ok', worker: 'CERT_V1_UNSUPPORTED' }],
    ['expired', { ca: harness.certPath('ca') }, ['SERVER_CERT_EXPIRED'], { client: 'SERVER_CERT_EXPIRED', worker: 'SERVER_CERT_EXPIRED' }],
    ['sha1-signature', { ca: harness.certPath('ca') }, ['WEAK_SIGNATURE'], { client: 'WEAK_SIGNATURE', worker: 'WEAK_SIGNATURE' }],
    ['intermediate-as-only-root', { ca: harness.certPath('intermediateCa') }, ['INTERMEDIATE_AS_ROOT'], { client: 'INTERMEDIATE_AS_ROOT', worker: 'ok' }],
  ])('server %s', async (scenario, options, findings, expected) => {
    const server = { 'hostname-mismatch': 'tls-sample', 'other-host-with-override': 'tls-sample', 'cn-only-no-san': 'tls-cn-only', 'v1-server-cert': 'tls-v1', expired: 'tls-expired', 'sha1-signature': 'tls-sha1', 'intermediate-as-only-root': 'tls-chain' }[scenario] as string;
    const report = await validate({ address: address(server), ...options }, {});
    const errors = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
    expect({ errors: errors.sort(), probes: outcomes(report) }).toEqual({ errors: [...findings].sort(), probes: expected });
  });

  test('mTLS not enforced: the client gets in without its certificate, MTLS_NOT_ENFORCED although both probes pass', async () => {
    const report = await validate({ address: address('mtls-not-enforced'), ...harnessClient() }, {});
    expect(outcomes(report)).toEqual({ client: 'ok', worker: 'ok' });
    expect(problems(report)).toEqual(['error:MTLS_NOT_ENFORCED']);
    expect(report.ok).toBe(false);
    const enforced = await validate({ address: address('mtls'), ...harnessClient() }, {});
    expect(enforced.checked.join('\n')).toMatch(/without the client certificate, .* refuses the client: mTLS is enforced/);
  });

  test.concurrent.each<[string, () => ValidateOptions, string[], Record<string, string>]>([
    ['client certificate as DER', () => ({ address: address('mtls'), ca: harness.certPath('ca'), cert: live.clientCertDer, key: live.keyOf('client') }), ['CERT_DER_NOT_PEM'], { client: 'CERT_DER_NOT_PEM', worker: 'CERT_DER_NOT_PEM' }],
    ['PKCS#12 as the certificate', () => ({ address: address('mtls'), ca: harness.certPath('ca'), cert: live.clientPkcs12, key: live.keyOf('client') }), ['PKCS12_NOT_PEM'], { client: 'PKCS12_NOT_PEM', worker: 'PKCS12_NOT_PEM' }],
    ['double-encoded certificate', () => ({ address: address('mtls'), ca: harness.certPath('ca'), cert: live.clientCertBase64, key: live.keyOf('client') }), ['PEM_DOUBLE_ENCODED'], { client: 'PEM_DOUBLE_ENCODED', worker: 'PEM_DOUBLE_ENCODED' }],
    ['P-521 client key', () => ({ address: address('mtls'), ca: harness.certPath('ca'), cert: live.cert('client-p521'), key: live.keyOf('client-p521') }), ['KEY_ALGORITHM_UNSUPPORTED'], { client: 'ok', worker: 'KEY_ALGORITHM_UNSUPPORTED' }],
    ['P-521 server certificate', () => ({ address: address('tls-p521'), ca: harness.certPath('ca') }), ['KEY_ALGORITHM_UNSUPPORTED'], { client: 'ok', worker: 'KEY_ALGORITHM_UNSUPPORTED' }],
    ['CA used as the server certificate', () => ({ address: address('tls-ca-as-leaf'), ca: harness.certPath('serverCaAsLeaf') }), ['CA_USED_AS_END_ENTITY'], { client: 'ok', worker: 'CA_USED_AS_END_ENTITY' }],
  ])('live, %s: named offline and by both probes', async (_name, options, errors, expected) => {
    const report = await validate(options(), {});
    expect({ errors: report.findings.filter((f) => f.severity === 'error').map((f) => f.code), probes: outcomes(report) }).toEqual({ errors, probes: expected });
  });

  test('the stacks disagreeing is said, with the matrix explanation', async () => {
    const report = await validate({ address: address('tls-cn-only'), ca: harness.certPath('ca') }, {});
    expect(report.disagreement).toMatch(/client ok, worker SERVER_CERT_NO_SAN\. OpenSSL \(client\) still falls back to the CN/);
  });

  test('a namespace that does not exist: NAMESPACE_NOT_FOUND on both', async () => {
    const report = await validate({ address: address('tls'), ca: harness.certPath('ca'), namespace: 'no-such-namespace' }, {});
    expect(outcomes(report)).toEqual({ client: 'NAMESPACE_NOT_FOUND', worker: 'NAMESPACE_NOT_FOUND' });
  });

  test('settings from the samples family of environment variables', async () => {
    const report = await validate({}, {
      TEMPORAL_ADDRESS: address('mtls'),
      TEMPORAL_SERVER_ROOT_CA_CERT_PATH: harness.certPath('ca'),
      TEMPORAL_CLIENT_CERT_PATH: live.cert('client-ec'),
      TEMPORAL_CLIENT_KEY_PATH: live.keyOf('client-ec'),
    });
    expect(report.source).toBe('env:samples');
    expect(outcomes(report)).toEqual({ client: 'ok', worker: 'ok' });
  });
});

describe('settings sources', () => {
  test('the envconfig family of environment variables', async () => {
    const report = await validate({ offline: true }, {
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: fx.cert('root'),
      TEMPORAL_TLS_CLIENT_CERT_PATH: fx.cert('client-v1'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: fx.keyOf('client'),
    });
    expect(report.source).toBe('env:envconfig');
    expect(problems(report)).toEqual(['error:CERT_V1_UNSUPPORTED']);
  });

  test('an envconfig profile from TEMPORAL_CONFIG_FILE', async () => {
    const toml = path.join(work, 'temporal.toml');
    writeFileSync(
      toml,
      [
        '[profile.staging]',
        'address = "localhost:7233"',
        'namespace = "staging"',
        '[profile.staging.tls]',
        `server_ca_cert_path = "${fx.cert('root')}"`,
        `client_cert_path = "${fx.cert('client-expired')}"`,
        `client_key_path = "${fx.keyOf('client')}"`,
      ].join('\n'),
    );
    const report = await validate({ profile: 'staging', offline: true }, { TEMPORAL_CONFIG_FILE: toml });
    expect(report.source).toBe('profile:staging');
    expect(report.settings.namespace).toBe('staging');
    expect(problems(report)).toEqual(['error:CLIENT_CERT_EXPIRED']);
    await expect(validate({ profile: 'prod', offline: true }, { TEMPORAL_CONFIG_FILE: toml })).rejects.toThrow(
      /profile "prod" is not in .*temporal\.toml \(profiles: staging\)/,
    );
  });

  test('both families at once is refused', async () => {
    await expect(validate({ offline: true }, { TEMPORAL_CLIENT_CERT_PATH: 'a', TEMPORAL_TLS_CLIENT_KEY_PATH: 'b' })).rejects.toThrow(HarnessError);
  });
});

describe('the command', () => {
  /** Run `validate` in-process through the CLI's program, capturing what it prints. */
  async function runInProcess(args: string[]): Promise<{ out: string; exitCode: number }> {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
    try {
      await buildProgram().parseAsync(['node', 'temporal-tls-harness', 'validate', ...args]);
      return { out, exitCode: Number(process.exitCode ?? 0) };
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  }

  test('readable report: a passing and a failing openssl-made set', async () => {
    const base = ['--address', address('mtls'), '--ca', harness.certPath('ca')];
    const passing = await runInProcess([...base, '--cert', live.cert('client-ec'), '--key', live.keyOf('client-ec')]);
    expect(passing.exitCode).toBe(0);
    expect(passing.out).toMatch(/settings \(from flags\)[\s\S]*checked[\s\S]*findings[\s\S]*client +ok[\s\S]*worker +ok[\s\S]*\nOK: 0 error\(s\)/);
    const failing = await runInProcess([...base, '--cert', live.cert('client-expired'), '--key', live.keyOf('client')]);
    expect(failing.exitCode).toBe(1);
    expect(failing.out).toMatch(/✗ error +CLIENT_CERT_EXPIRED: [\s\S]*fix: Issue a new client certificate[\s\S]*client +fail +CLIENT_CERT_EXPIRED[\s\S]*\nFAIL: 1 error/);
    expect(failing.out).not.toMatch(/PRIVATE KEY-----\n[A-Za-z0-9+/]{40}/);
  });

  /** The real CLI in a process of its own, in an empty folder with its own temp folder. */
  function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; cwd: string; tmp: string; pid: number }> {
    const cwd = mkdtempSync(path.join(work, 'cwd-'));
    const tmp = path.join(cwd, '.tmp');
    mkdirSync(tmp);
    const env = { ...process.env, TMPDIR: tmp, TSX_DISABLE_CACHE: '1', TLS_HARNESS_QUIET: '1' };
    return new Promise((resolve) => {
      const cli = execFile(process.execPath, [path.join(REPO, 'bin', 'temporal-tls-harness.js'), 'validate', ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, cwd, tmp, pid: cli.pid! });
      });
    });
  }

  /** Processes whose parent is `pid` (a hold's client and worker run in children of the CLI). */
  const childrenOf = (pid: number) => spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.trim();

  describe('--hold: a client and a worker held connected, through the path the address names', () => {
    let proxy: StartedIntermediary;
    beforeAll(async () => {
      // A gRPC proxy whose read timeout is far shorter than the server's long polls (60 s and 20 s).
      proxy = await grpcProxy.start({ readTimeoutS: 3 }, { server: description.endpoints.plain.address, certificate: { cert: harness.certPath('server'), key: harness.keyPath('server') } });
    });
    afterAll(() => proxy.stop());

    test('through the proxy: LONG_POLL_CUT, seen by the harness\'s own long polls, and nothing left behind', async () => {
      const held = await runCli(['--address', proxy.address, '--hold', '8s', '--json']);
      expect(held.code).toBe(1);
      const { hold } = JSON.parse(held.stdout);
      expect(hold).toMatchObject({ ok: false, interrupted: false, causes: [expect.objectContaining({ code: 'LONG_POLL_CUT' })] });
      expect(hold.timeline.some((event: { by: string; code?: string }) => event.by === 'own-poll' && event.code === 'LONG_POLL_CUT')).toBe(true);
      // The worker's polls are retried and the client's result too, within the hold: both run the last workflow.
      expect(hold.stacks.map(({ stack, actual }: { stack: string; actual: string }) => `${stack}:${actual}`)).toEqual(['client:ok', 'worker:ok']);
      expect(readdirSync(held.cwd)).toEqual(['.tmp']);
      expect(readdirSync(held.tmp)).toEqual([]);
      expect(childrenOf(held.pid)).toBe('');
    });

    test('directly: nothing cut or refused, ok', async () => {
      const held = await runCli(['--address', description.endpoints.plain.address, '--hold', '5s']);
      expect(held.code).toBe(0);
      expect(held.stdout).toMatch(/hold summary \(0:05\.0 through [^)]+\)\n  nothing cut or refused the connections\n  client +ok\n  worker +ok\nOK: the connections held/);
      expect(held.stderr).toMatch(/holding for 0:05\.0: a client and a worker connected to/);
    });

    test.each([
      [['--hold', '5s', '--offline'], /--hold needs the network: leave out --offline/],
      [['--hold', 'soon'], /"soon" is not a duration/],
    ])('bad input %j: one line, non-zero exit', async (args, message) => {
      const result = await runCli(['--address', description.endpoints.plain.address, ...args]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
      expect(result.stderr).toMatch(message);
    });
  });

  test('--json from the real CLI process: exit code and exact shape', async () => {
    const good = await runCli(['--address', address('mtls'), '--ca', harness.certPath('ca'), '--cert', live.cert('client'), '--key', live.keyOf('client'), '--json']);
    expect(good.code).toBe(0);
    const json = JSON.parse(good.stdout);
    expect(Object.keys(json)).toEqual(['ok', 'source', 'findings', 'probes', 'environment']);
    expect(json).toMatchObject({ ok: true, source: 'flags' });
    // The harness CA is written by node-forge with CRLF line endings, which validate notes.
    expect(json.findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([]);
    expect(json.probes.map((p: object) => Object.keys(p))).toEqual([
      ['stack', 'sdk', 'node', 'actual', 'diagnosis', 'ms'],
      ['stack', 'sdk', 'node', 'actual', 'diagnosis', 'ms'],
    ]);
    // Without --sdk/--node, both probes ran on the harness's own SDK and Node.
    const own = { sdk: require('@temporalio/client/package.json').version, node: process.versions.node };
    expect(json.probes.map(({ stack, sdk, node }: { stack: string; sdk: string; node: string }) => ({ stack, sdk, node }))).toEqual([
      { stack: 'client', ...own },
      { stack: 'worker', ...own },
    ]);

    const bad = await runCli(['--address', address('mtls'), '--ca', harness.certPath('ca'), '--cert', live.cert('client-v1'), '--key', live.keyOf('client'), '--json']);
    expect(bad.code).toBe(1);
    const failed = JSON.parse(bad.stdout);
    expect(failed.ok).toBe(false);
    for (const finding of failed.findings) expect(Object.keys(finding)).toEqual(['code', 'severity', 'message', 'fix']);
    expect(failed.findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([
      { code: 'CERT_V1_UNSUPPORTED', severity: 'error', message: expect.any(String), fix: expect.any(String) },
    ]);
    expect(failed.probes).toEqual([
      { stack: 'client', ...own, actual: 'ok', diagnosis: null, ms: expect.any(Number) },
      { stack: 'worker', ...own, actual: 'fail', diagnosis: 'CERT_V1_UNSUPPORTED', ms: expect.any(Number) },
    ]);
  });

  test.concurrent.each<[string, () => string[], RegExp]>([
    ['missing file', () => ['--cert', path.join(fx.dir, 'nope.pem'), '--key', fx.keyOf('client')], /nope\.pem does not exist/],
    ['directory instead of a file', () => ['--ca', fx.dir], /is a directory, not a file/],
    ['a key where a certificate belongs', () => ['--cert', fx.keyOf('client'), '--key', fx.keyOf('client')], /holds a PRIVATE KEY, not a certificate/],
    ['empty file', () => ['--ca', emptyFile()], /is empty/],
    ['binary garbage', () => ['--ca', garbageFile()], /is binary, not a PEM text file/],
    ['address with a scheme', () => ['--address', 'https://localhost:7233', '--ca', fx.cert('root')], /has a scheme: give host:port, e.g\. localhost:7233/],
  ])('bad input, %s: one line, non-zero exit, nothing left behind', async (_name, args, message) => {
    const fixOutput = path.join(work, `never-${Math.random().toString(36).slice(2)}`);
    const result = await runCli([...args(), '--fix-output', fixOutput]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(result.cwd)).toEqual(['.tmp']);
    expect(readdirSync(result.tmp)).toEqual([]);
    expect(() => statSync(fixOutput)).toThrow();
  });

  function emptyFile(): string {
    const file = path.join(fx.dir, 'empty.pem');
    writeFileSync(file, '');
    return file;
  }

  function garbageFile(): string {
    const file = path.join(fx.dir, 'garbage.pem');
    writeFileSync(file, Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)));
    return file;
  }
});
