/**
 * `matrix --scenarios FILE`: scenarios of your own in .json, .js, .mjs and .ts files, checked field
 * by field; a malformed one is one line naming the scenario and the field. One file also runs
 * through the real CLI against a real server.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkScenarios, loadScenarioFile } from './scenario-file';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'temporal-tls-harness.js');

/** A bug report as data: mutual TLS where the client gives its key in PKCS#1. */
const REPORTED = {
  name: 'reported-pkcs1-mtls',
  family: 'client-cert',
  about: 'A user reports that their PKCS#1 key works with mTLS.',
  server: 'mtls',
  client: { tls: { ca: 'ca', cert: 'client', key: 'client-pkcs1' }, namespace: 'default' },
  expect: { client: 'ok', worker: 'ok' },
};
const UNTRUSTED = {
  ...REPORTED,
  name: 'reported-other-ca',
  about: 'The client trusts another PKI than the server uses.',
  client: { tls: { ca: 'otherCa', cert: 'client', key: 'client' } },
  expect: { client: 'SERVER_CA_UNTRUSTED', worker: 'SERVER_CA_UNTRUSTED' },
};

let dir: string;
const file = (name: string, content: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
};
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'scenario-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Loads a file the way the CLI does: in a plain Node process, with the compiled loader (jest's
 * module sandbox can load neither ES modules nor tsx-compiled files).
 */
function loadInNode(target: string): string[] | string {
  const loader = path.join(ROOT, 'dist', 'harness', 'library', 'scenario-file.js');
  const script = `require(${JSON.stringify(loader)}).loadScenarioFile(process.argv[1]).then(
    (list) => console.log(JSON.stringify(list.map((s) => s.name + ':' + s.expect.worker))),
    (error) => console.log(JSON.stringify(error.message)))`;
  const run = spawnSync(process.execPath, ['-e', script, target], { encoding: 'utf8', cwd: dir });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const LOADED = ['reported-pkcs1-mtls:ok', 'reported-other-ca:SERVER_CA_UNTRUSTED'];

test.each([
  ['list.json', JSON.stringify([REPORTED, UNTRUSTED])],
  ['list.js', `module.exports = ${JSON.stringify([REPORTED, UNTRUSTED])};`],
  ['list.mjs', `export default ${JSON.stringify([REPORTED, UNTRUSTED])};`],
  [
    'list.ts',
    `import type { HarnessScenario } from ${JSON.stringify(path.join(ROOT, 'harness', 'index'))};
     const both = (e: HarnessScenario['expect']['client']) => ({ client: e, worker: e });
     export const scenarios: HarnessScenario[] = [
       { ...${JSON.stringify(REPORTED)}, expect: both('ok') } as HarnessScenario,
       ${JSON.stringify(UNTRUSTED)} as HarnessScenario,
     ];`,
  ],
  ['default-export.ts', `export default ${JSON.stringify([REPORTED, UNTRUSTED])};`],
])('loads %s', (name, content) => {
  expect(loadInNode(file(name, content))).toEqual(LOADED);
});

test('a .js file in a package of "type": "module" loads as an ES module', () => {
  const esm = path.join(dir, 'esm');
  mkdirSync(esm);
  writeFileSync(path.join(esm, 'package.json'), '{ "type": "module" }');
  writeFileSync(path.join(esm, 'list.js'), `export const scenarios = ${JSON.stringify([REPORTED, UNTRUSTED])};`);
  expect(loadInNode(path.join(esm, 'list.js'))).toEqual(LOADED);
});

const with_ = (patch: object) => [REPORTED, { ...UNTRUSTED, ...patch }];

test('takes the fields of a held scenario with an intermediary', () => {
  const held = {
    ...UNTRUSTED,
    name: 'reported-cut',
    client: { tls: false, via: { kind: 'grpc-proxy', readTimeoutS: 3 } },
    hold: { seconds: 30, client: 'awaiting-result', next: { payloadBytes: 1000 } },
    expect: { client: 'LONG_POLL_CUT', worker: 'ok' },
    findings: { worker: ['LONG_POLL_CUT'] },
  };
  expect(checkScenarios([held], 'cut.json').map(({ name }) => name)).toEqual(['reported-cut']);
});

test('takes a CA bundle, a key with stray bytes and an expected detail', () => {
  const rotation = { ...UNTRUSTED, name: 'reported-bundle', client: { tls: { ca: ['ca', 'otherCa'] } }, expect: { client: 'ok', worker: 'ok' } };
  const stray = { ...UNTRUSTED, name: 'reported-newline', server: 'tls-auth', client: { tls: { ca: 'ca' }, apiKey: 'write', apiKeyStray: 'trailing-newline' }, expect: { client: 'API_KEY_STRAY_BYTES', worker: 'API_KEY_STRAY_BYTES' }, detail: { worker: 'without the key' } };
  expect(checkScenarios([rotation, stray], 'rotation.json').map(({ name }) => name)).toEqual(['reported-bundle', 'reported-newline']);
});
test.each([
  [with_({ client: { tls: { ca: 'nope' } } }), 'scenario "reported-other-ca", field client.tls.ca: "nope" is not one of ca, otherCa,'],
  [with_({ client: { tls: { ca: ['ca', 'nope'] } } }), 'scenario "reported-other-ca", field client.tls.ca[1]: "nope" is not one of ca, otherCa,'],
  [with_({ detail: { worker: 7 } }), 'scenario "reported-other-ca", field detail.worker: 7 is not'],
  [with_({ server: 'tls-ancient' }), 'scenario "reported-other-ca", field server: "tls-ancient" is not one of plain, tls, mtls,'],
  [with_({ expect: { client: 'ok', worker: 'SERVER_ON_FIRE' } }), 'scenario "reported-other-ca", field expect.worker: "SERVER_ON_FIRE" is not one of ok, SERVER_CA_UNTRUSTED,'],
  [with_({ expect: { client: 'ok' } }), 'scenario "reported-other-ca", field expect.worker: undefined is not one of ok,'],
  [with_({ client: { tls: { ca: 'ca', mangle: { part: 'key', how: 'shredded' } } } }), 'field client.tls.mangle.how: "shredded" is not one of literal-newlines,'],
  [with_({ client: { tls: true } }), 'scenario "reported-other-ca", field client.tls: true is not false; and true is not an object'],
  [with_({ client: { tsl: false } }), 'scenario "reported-other-ca", field client.tsl: is not a field here (known: address, tls,'],
  [with_({ family: 'mine' }), 'scenario "reported-other-ca", field family: "mine" is not one of baseline,'],
  [with_({ name: 'reported-pkcs1-mtls' }), 'scenario "reported-pkcs1-mtls", field name: the name is used twice'],
  [with_({ client: { tls: false, via: { kind: 'envoy' } } }), 'field client.via.kind: "envoy" is not one of tls-proxy, connect-proxy, grpc-proxy, nat'],
  [with_({ client: { tls: false, via: { kind: 'grpc-proxy', readTimeoutS: -3 } } }), 'field client.via.readTimeoutS: -3 is not a positive number'],
  [with_({ client: { tls: false, via: { kind: 'nat' } } }), 'field client.via.forgetsAfterS: undefined is not a positive number'],
  [with_({ hold: { seconds: 10, during: [{ atS: 2, action: 'reboot' }] } }), 'field hold.during[0].action: "reboot" is not one of renew-client-certificate'],
  [with_({ findings: { worker: ['NOT_A_CODE'] } }), 'field findings.worker[0]: "NOT_A_CODE" is not one of'],
  [[REPORTED, { ...UNTRUSTED, name: '' }], 'scenario #2, field name: "" is not a non-empty string'],
  [{ scenarios: [] }, 'expected an array of scenarios (the default export, or an export named scenarios), got an object with scenarios'],
  [[], 'the array of scenarios is empty'],
])('refuses malformed data in one line (%#)', (data, message) => {
  let thrown: Error | undefined;
  try {
    checkScenarios(data, 'bug.json');
  } catch (error) {
    thrown = error as Error;
  }
  expect(thrown?.name).toBe('HarnessError');
  expect(thrown?.message).toMatch(/^bug\.json: /);
  expect(thrown?.message).toContain(message);
  expect(thrown?.message).not.toContain('\n');
});

test('files that cannot be read say so in one line', async () => {
  await expect(loadScenarioFile(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: no such file$/);
  await expect(loadScenarioFile(file('broken.json', '[{'))).rejects.toThrow(/broken\.json is not valid JSON: /);
  await expect(loadScenarioFile(file('list.yaml', '- a'))).rejects.toThrow(/list\.yaml: give a \.json, \.js or \.ts file \(not \.yaml\)$/);
  await expect(loadScenarioFile(file('throws.js', 'throw new Error("boom")'))).rejects.toThrow(/throws\.js did not load: boom$/);
  await expect(loadScenarioFile(file('named.js', 'exports.mine = []'))).rejects.toThrow(/got an object with mine$/);
});

test('the CLI runs a file of scenarios on real servers, and refuses a malformed one in one line', () => {
  const scenarios = file('report.json', JSON.stringify([REPORTED, UNTRUSTED]));
  const report = path.join(dir, 'report-out.json');
  const env = { ...process.env, TLS_HARNESS_QUIET: '1' };
  const run = spawnSync(process.execPath, [BIN, 'matrix', '--scenarios', scenarios, '--json', report, '--certs', dir], {
    encoding: 'utf8',
    env,
    cwd: dir,
    timeout: 170_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const cells = JSON.parse(readFileSync(report, 'utf8')).cells.map((cell: { scenario: string; stack: string; diagnosis: string | null; passed: boolean }) => [
    cell.scenario,
    cell.stack,
    cell.diagnosis,
    cell.passed,
  ]);
  expect(cells.sort()).toEqual([
    ['reported-other-ca', 'client', 'SERVER_CA_UNTRUSTED', true],
    ['reported-other-ca', 'worker', 'SERVER_CA_UNTRUSTED', true],
    ['reported-pkcs1-mtls', 'client', null, true],
    ['reported-pkcs1-mtls', 'worker', null, true],
  ]);

  const malformed = file('malformed.json', JSON.stringify([{ ...REPORTED, client: { tls: { ca: 'ca', key: 'client-pkcs8' } } }]));
  const refused = spawnSync(process.execPath, [BIN, 'matrix', '--scenarios', malformed], { encoding: 'utf8', env, cwd: dir });
  expect(refused.status).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toMatch(/^error: --scenarios .*malformed\.json: scenario "reported-pkcs1-mtls", field client\.tls\.key: "client-pkcs8" is not one of ca, .*\n$/);
});

test('a file written in the format of 2026-12-07 keeps loading (fixtures/)', () => {
  expect(loadInNode(path.join(__dirname, 'fixtures', 'scenarios-2026-12-07.json'))).toEqual([
    'reported-pkcs1-mtls:ok',
    'reported-newline-key:API_KEY_STRAY_BYTES',
    'reported-proxy-cut:ok',
    'reported-rotation:ok',
  ]);
});
