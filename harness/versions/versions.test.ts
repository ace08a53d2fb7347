/**
 * Per-release behaviour as data: the texts each worker release says for the same trust-store
 * situation (measured against the real server with SDK 1.11.3, 1.11.5 and 1.24.0; README,
 * "Bisecting a bug across SDK and Node versions"), version ranges in expectations, and where a
 * scenario's behaviour changed between releases.
 */
import { SCENARIOS } from '../../scenarios';
import { classify, type ClassifyContext } from '../diagnosis/classify';
import type { DiagnosisCode } from '../diagnosis/codes';
import type { CellResult } from '../matrix/results';
import { describeChange, versionChanges } from './changes';
import type { Versions } from '../model/versions';
import { expectationFor, inRange, parseRange, rangesOf } from './ranges';

const NODE = '20.20.2';
const on = (sdk: string): Versions => ({ sdk, node: NODE });
const worker = (sdk: string, extra: Partial<ClassifyContext> = {}): ClassifyContext => ({ stack: 'worker', clientTls: true, versions: on(sdk), ...extra });

const NOT_FOUND = 'TransportError: tonic::transport::Error(Transport, Os { code: 2, kind: NotFound, message: "No such file or directory" })';
const UNKNOWN_ISSUER = 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }))';
const NATIVE_CERTS_NOT_FOUND = 'TransportError: tonic::transport::Error(Transport, NativeCertsNotFound)';

/** [situation, release, context, the release's words, the cause]. */
const measured: [string, string, Partial<ClassifyContext>, string, DiagnosisCode][] = [
  ['CA given, store paths missing', '1.11.3', { serverCa: true, systemStoreEmpty: true }, NOT_FOUND, 'TRUST_STORE_PATH_MISSING'],
  ['no CA, store paths missing', '1.11.3', { serverCa: false, systemStoreEmpty: true }, NOT_FOUND, 'TRUST_STORE_PATH_MISSING'],
  ['no CA, store paths missing', '1.11.5', { serverCa: false, systemStoreEmpty: true }, UNKNOWN_ISSUER, 'SYSTEM_ROOTS_MISSING'],
  ['no CA, store paths missing', '1.24.0', { serverCa: false, systemStoreEmpty: true }, NATIVE_CERTS_NOT_FOUND, 'SYSTEM_ROOTS_MISSING'],
  ['no CA, empty store file', '1.11.3', { serverCa: false, systemStoreEmpty: true }, UNKNOWN_ISSUER, 'SYSTEM_ROOTS_MISSING'],
  ['no CA, empty store file', '1.11.5', { serverCa: false, systemStoreEmpty: true }, NATIVE_CERTS_NOT_FOUND, 'SYSTEM_ROOTS_MISSING'],
  // On 1.24.0 an empty store always says NativeCertsNotFound; UnknownIssuer there is a CA that is not trusted.
  ['UnknownIssuer beside an empty store: 1.24.0 words that NativeCertsNotFound', '1.24.0', { serverCa: false, systemStoreEmpty: true }, UNKNOWN_ISSUER, 'SERVER_CA_UNTRUSTED'],
  ['no CA, store with roots, 1.11.5', '1.11.5', { serverCa: false, systemStoreEmpty: false }, UNKNOWN_ISSUER, 'SERVER_CA_UNTRUSTED'],
];

test.each(measured)('%s on SDK %s', (_situation, sdk, extra, text, code) => {
  expect(classify(text, worker(sdk, extra))).toBe(code);
});

describe('an RSA-1024 server key, per Node release', () => {
  const client = (node: string): ClassifyContext => ({ stack: 'client', clientTls: true, versions: { sdk: '1.24.0', node } });
  // Node 24.22.3: the SDK says only "Failed to connect before the deadline"; the harness's probe reads the reason.
  const NODE_24 =
    'Error: Failed to connect before the deadline Error: 14 UNAVAILABLE: No connection established. Last error: Error: EE certificate key too weak. Resolution note: ';
  const BAD_SIGNATURE = 'TransportError: tonic::transport::Error(Transport, ConnectError(Custom { kind: InvalidData, error: InvalidCertificate(BadSignature) }))';

  it('the client on Node 24 names the key', () => expect(classify(NODE_24, client('24.22.3'))).toBe('KEY_TOO_SMALL'));
  it('the worker on any release calls the signature bad, and the key tells why', () => {
    expect(classify(BAD_SIGNATURE, worker('1.24.0', { serverKeyRefusal: 'KEY_TOO_SMALL' }))).toBe('KEY_TOO_SMALL');
    expect(classify(BAD_SIGNATURE, worker('1.24.0'))).toBe('UNCLASSIFIED');
  });
  it('the scenario expects the client to accept it before Node 24 only', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'server-rsa1024')!;
    expect(['20.20.2', '22.23.5', '24.22.3'].map((node) => expectationFor(scenario.expect.client, { sdk: '1.24.0', node }))).toEqual([
      'ok',
      'ok',
      'KEY_TOO_SMALL',
    ]);
  });
});

test('a rule limited to releases does not apply outside them', () => {
  // The same words from a release after 1.11.5 are not read as a missing store path.
  expect(classify(NOT_FOUND, worker('1.24.0', { serverCa: true }))).not.toBe('TRUST_STORE_PATH_MISSING');
});

describe('version ranges', () => {
  it('reads "sdk <range>" and "node <range>" in semver syntax', () => {
    expect(inRange(on('1.11.3'), 'sdk <1.11.5')).toBe(true);
    expect(inRange(on('1.11.5'), 'sdk <1.11.5')).toBe(false);
    expect(inRange({ sdk: '1.24.0', node: '24.22.3' }, 'node >=24')).toBe(true);
    expect(inRange({ sdk: '1.24.0', node: '22.23.5' }, 'node >=24')).toBe(false);
  });

  it('refuses a range it cannot read, with what to write instead', () => {
    expect(() => parseRange('<1.11.5')).toThrow(/write "sdk <range>" or "node <range>"/);
    expect(() => parseRange('sdk banana')).toThrow(/not a version range/);
  });

  it('takes the first range that holds, else the default', () => {
    const expectation = { 'sdk <1.11.5': 'TRUST_STORE_PATH_MISSING', 'sdk <1.24.0': 'SERVER_CA_UNTRUSTED', default: 'SYSTEM_ROOTS_MISSING' } as const;
    expect(expectationFor(expectation, on('1.11.3'))).toBe('TRUST_STORE_PATH_MISSING');
    expect(expectationFor(expectation, on('1.11.5'))).toBe('SERVER_CA_UNTRUSTED');
    expect(expectationFor(expectation, on('1.24.0'))).toBe('SYSTEM_ROOTS_MISSING');
    expect(expectationFor('ok', on('1.0.0'))).toBe('ok');
  });

  it('every range in the scenarios is readable', () => {
    const ranges = SCENARIOS.flatMap((scenario) => [...rangesOf(scenario.expect.client), ...rangesOf(scenario.expect.worker)]);
    expect(ranges.length).toBeGreaterThan(0);
    for (const range of ranges) expect(() => parseRange(range)).not.toThrow();
  });
});

describe('changes between releases', () => {
  const cell = (sdk: string, node: string, stack: 'client' | 'worker', diagnosis: DiagnosisCode | null) =>
    ({ scenario: 's', stack, sdk, node, actual: diagnosis ? 'fail' : 'ok', diagnosis }) as CellResult;

  it('names the two releases next to each other between which a stack changed', () => {
    const changes = versionChanges([
      cell('1.24.0', NODE, 'worker', 'SYSTEM_ROOTS_MISSING'),
      cell('1.11.3', NODE, 'worker', 'TRUST_STORE_PATH_MISSING'),
      cell('1.11.5', NODE, 'worker', 'SYSTEM_ROOTS_MISSING'),
      cell('1.11.3', NODE, 'client', null),
      cell('1.11.5', NODE, 'client', null),
      cell('1.24.0', NODE, 'client', null),
    ]);
    expect(changes.map(describeChange)).toEqual([
      `worker: TRUST_STORE_PATH_MISSING on sdk 1.11.3, SYSTEM_ROOTS_MISSING on sdk 1.11.5 (node ${NODE})`,
    ]);
  });

  it('compares Node releases at the same SDK and SDK releases at the same Node, never across both', () => {
    const changes = versionChanges([
      cell('1.24.0', '20.20.2', 'client', null),
      cell('1.24.0', '24.22.3', 'client', 'TIMEOUT'),
      cell('1.11.5', '20.20.2', 'client', null),
      cell('1.11.5', '24.22.3', 'client', 'TIMEOUT'),
    ]);
    expect(changes.map(({ axis, from, to }) => [axis, from.sdk, from.node, to.node])).toEqual([
      ['node', '1.11.5', '20.20.2', '24.22.3'],
      ['node', '1.24.0', '20.20.2', '24.22.3'],
    ]);
  });
});
