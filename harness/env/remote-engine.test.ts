/**
 * A remote Docker engine, for real: a second dockerd in a network namespace made for the test,
 * listening on TCP at that namespace's address with TLS client verification, on certificates the
 * harness mints. The baseline family and `serve` run on it through DOCKER_HOST, DOCKER_TLS_VERIFY
 * and DOCKER_CERT_PATH, and the library through ~/.testcontainers.properties instead; servers are
 * published on that address, and nothing is left on the engine. Then the engine, its folders and
 * the namespace are removed. Needs root (network namespaces, a second dockerd).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mintCertificate } from '../pki/mint';
import { cacheDir } from './cache';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'temporal-tls-harness.js');
const NAMESPACE = `tth-engine-${process.pid}`;
const HOST_LINK = `tthe${process.pid % 100000}`;
const PEER_LINK = `tthf${process.pid % 100000}`;
/** The engine's address: in the namespace, reached from this machine over a veth pair (RFC 1918, a /30 of its own). */
const ENGINE_ADDRESS = '10.213.8.2';
const DOCKER_HOST = `tcp://${ENGINE_ADDRESS}:2376`;

let dir: string;
let certs: string;
let engine: { pid: number } | undefined;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** The variables a user of a remote engine sets, and none of this process's local-engine settings. */
function remoteEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { TESTCONTAINERS_HOST_OVERRIDE: _local, DOCKER_HOST: _host, ...env } = process.env;
  return { ...env, DOCKER_HOST, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, TLS_HARNESS_QUIET: '1', ...extra };
}

/** The docker CLI on the remote engine. */
function docker(...args: string[]): string {
  return execFileSync('docker', args, { env: remoteEnv(), encoding: 'utf8' }).trim();
}

async function mintEngineCertificates(target: string): Promise<void> {
  const ca = mintCertificate({ commonName: 'remote-engine-ca', isCa: true, extKeyUsage: [] });
  const [authority, server, client] = await Promise.all([
    ca,
    mintCertificate({ commonName: ENGINE_ADDRESS, ipAddresses: [ENGINE_ADDRESS], extKeyUsage: ['serverAuth'] }, ca),
    mintCertificate({ commonName: 'harness', extKeyUsage: ['clientAuth'] }, ca),
  ]);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, 'ca.pem'), authority.certPem);
  writeFileSync(path.join(target, 'server-cert.pem'), server.certPem);
  writeFileSync(path.join(target, 'server-key.pem'), server.keyPem, { mode: 0o600 });
  writeFileSync(path.join(target, 'cert.pem'), client.certPem);
  writeFileSync(path.join(target, 'key.pem'), client.keyPem, { mode: 0o600 });
}

async function untilEngineAnswers(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnSync('docker', ['version'], { env: remoteEnv(), stdio: 'ignore' }).status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the remote dockerd did not answer within ${timeoutMs} ms: ${readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'remote-engine-'));
  certs = path.join(dir, 'certs');
  await mintEngineCertificates(certs);
  ip('netns', 'add', NAMESPACE);
  ip('link', 'add', HOST_LINK, 'type', 'veth', 'peer', 'name', PEER_LINK);
  ip('link', 'set', PEER_LINK, 'netns', NAMESPACE);
  ip('addr', 'add', '10.213.8.1/30', 'dev', HOST_LINK);
  ip('link', 'set', HOST_LINK, 'up');
  for (const args of [['addr', 'add', `${ENGINE_ADDRESS}/30`, 'dev', PEER_LINK], ['link', 'set', PEER_LINK, 'up'], ['link', 'set', 'lo', 'up']]) {
    ip('netns', 'exec', NAMESPACE, 'ip', ...args);
  }
  const daemonLog = openSync(path.join(dir, 'dockerd.log'), 'a');
  // nsenter, not `ip netns exec`: that remounts /sys, and dockerd then finds no devices cgroup.
  const daemon = spawn(
    'nsenter',
    [
      `--net=/var/run/netns/${NAMESPACE}`,
      'dockerd',
      ...['--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '--pidfile', path.join(dir, 'dockerd.pid')],
      ...['-H', DOCKER_HOST, '--tlsverify', '--tlscacert', path.join(certs, 'ca.pem')],
      ...['--tlscert', path.join(certs, 'server-cert.pem'), '--tlskey', path.join(certs, 'server-key.pem')],
    ],
    { stdio: ['ignore', daemonLog, daemonLog], detached: true },
  );
  daemon.unref();
  engine = { pid: daemon.pid! };
  await untilEngineAnswers(60_000);
});

afterAll(async () => {
  if (engine) {
    spawnSync('kill', [String(engine.pid)]);
    for (let waited = 0; waited < 20_000 && existsSync(`/proc/${engine.pid}`); waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  spawnSync('ip', ['link', 'del', HOST_LINK]);
  spawnSync('ip', ['netns', 'del', NAMESPACE]);
  spawnSync('umount', ['-R', path.join(dir, 'data')]);
  rmSync(dir, { recursive: true, force: true });
});

test('the baseline family on the remote engine: every cell as expected, the IP and no-port addresses dialling its host', () => {
  const report = path.join(dir, 'baseline.json');
  const run = spawnSync(process.execPath, [BIN, 'matrix', '--family', 'baseline', '--json', report, '--certs', path.join(dir, 'pki')], { cwd: ROOT, env: remoteEnv(), encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr.split('\n').filter((line) => /^error/.test(line)) }).toEqual({ status: 0, stderr: [] });
  const cells = (JSON.parse(readFileSync(report, 'utf8')) as { cells: { passed: boolean; scenario: string }[] }).cells;
  expect(cells.filter((cell) => !cell.passed)).toEqual([]);
  expect(cells.map(({ scenario }) => scenario)).toEqual(expect.arrayContaining(['dial-ip-address', 'address-without-port']));
  expect(docker('ps', '-aq', '--filter', 'label=io.temporal-tls-harness')).toBe('');
});

test('serve on the remote engine prints its address, publishes there only, and Ctrl-C leaves nothing on the engine', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--mode', 'tls', '--json', '--certs', path.join(dir, 'serve')], { cwd: ROOT, env: remoteEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = await new Promise<{ address: string; publishedOn: string[]; checkProblem: string | null }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]));
    });
    child.on('close', (code) => reject(new Error(`serve exited ${code} before it was ready`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.kill('SIGINT');
  expect(ready).toMatchObject({ publishedOn: [ENGINE_ADDRESS], checkProblem: null });
  expect(ready.address).toMatch(new RegExp(`^${ENGINE_ADDRESS.replace(/\./g, '\\.')}:\\d+$`));
  expect(await exited).toBe(130);
  expect(docker('ps', '-aq', '--filter', 'label=io.temporal-tls-harness')).toBe('');
});

test('the library finds the same engine through ~/.testcontainers.properties alone', () => {
  const home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, '.testcontainers.properties'), `docker.host=${DOCKER_HOST}\ndocker.tls.verify=1\ndocker.cert.path=${certs}\n`);
  const library = path.join(ROOT, 'dist', 'harness', 'index.js');
  const script = `const { TemporalTlsContainer } = require(${JSON.stringify(library)});
    new TemporalTlsContainer().withMode('tls').start().then(async (server) => { console.log(server.getAddress()); await server.stop(); });`;
  // The harness's cache stays where it is: HOME is changed only for testcontainers' file.
  const { DOCKER_HOST: _host, DOCKER_TLS_VERIFY: _verify, DOCKER_CERT_PATH: _path, ...withoutVariables } = remoteEnv({ HOME: home, TLS_HARNESS_CACHE_DIR: cacheDir() });
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: withoutVariables, encoding: 'utf8' });
  expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
  expect(run.stdout.trim()).toMatch(new RegExp(`^${ENGINE_ADDRESS.replace(/\./g, '\\.')}:\\d+$`));
  expect(docker('ps', '-aq', '--filter', 'label=io.temporal-tls-harness')).toBe('');
});
