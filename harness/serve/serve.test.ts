/**
 * `serve` end to end: the real CLI in a child process starts a real server, and an application
 * configured from nothing but what serve printed runs a workflow through it; then Ctrl-C must
 * leave no container behind.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker } from '@temporalio/worker';
import { containersOf } from '../e2e/containers-of';
import { ensureTemporalCli } from '../env/temporal-cli';
import { installQuietRuntime } from '../matrix/run-matrix';
import * as activities from '../stacks/activities';
import { ensureWorkflowBundle } from '../stacks/bundle';
import { makeOpensslPki } from './openssl-pki';

jest.setTimeout(120_000);
installQuietRuntime();

const ROOT = path.resolve(__dirname, '..', '..');
/** The CLI as users run it: the package's bin, in this process's node. */
const CLI = [path.join(ROOT, 'bin', 'temporal-tls-harness.js')];

/** The JSON line serve prints once the server is serving. */
interface Ready {
  address: string;
  namespace: string;
  mode: string;
  serverName: string | null;
  ca: string | null;
  cert: string | null;
  key: string | null;
  envFile: string | null;
  profile: string;
  checkProblem: string | null;
  readyMs: number;
  auth: string | null;
  apiKeyFiles: Record<string, string> | null;
  publishedOn: string[];
}

interface Serve {
  child: ChildProcess;
  ready: Promise<Ready>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function serve(args: string[]): Serve {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, TLS_HARNESS_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<Ready>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
    });
    void exited.then(({ code }) => reject(new Error(`serve exited with ${code} before it was ready:\n${stderr}`)));
  });
  ready.catch(() => undefined); // the tests that expect no ready line never await it
  return { child, ready, exited, stderr: () => stderr };
}

/** What Ctrl-C must lead to: serve exits as a signalled command does, and leaves no container. */
async function expectCleanExitOnCtrlC(session: Serve): Promise<void> {
  expect(await session.exited).toEqual({ code: 130, signal: null });
  expect(containersOf(session.child.pid!)).toEqual([]);
}

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** A worker on NativeConnection and a client on Connection, both from `options`, run the greeting. */
async function runGreeting(options: { address?: string; tls?: TLSConfig | boolean | null; apiKey?: string }, namespace?: string): Promise<string> {
  const apiKey = options.apiKey === undefined ? {} : { apiKey: options.apiKey };
  const connection = await Connection.connect({ address: options.address, tls: options.tls, ...apiKey, connectTimeout: 10_000 });
  const native = await NativeConnection.connect({ address: options.address, tls: options.tls, ...apiKey });
  try {
    const taskQueue = `serve-test-${randomUUID()}`;
    const worker = await Worker.create({
      connection: native,
      namespace,
      taskQueue,
      workflowBundle: { codePath: await ensureWorkflowBundle() },
      activities,
    });
    const client = new Client({ connection, namespace });
    return await worker.runUntil(
      client.workflow.execute('greetingWorkflow', { taskQueue, workflowId: `serve-test-${randomUUID()}`, args: ['serve'] }),
    );
  } finally {
    await Promise.all([connection.close(), native.close()]);
  }
}

/** The CLI once, to its end, as users run it; an API key is passed in the environment or as a flag. */
function runCli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, TLS_HARNESS_QUIET: '1', ...env }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'serve-test-'));
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

test('mtls: a client and a worker configured only from the printed settings run a workflow; Ctrl-C removes everything', async () => {
  const envFile = path.join(tmp, 'serve.env');
  const pkiDir = path.join(tmp, 'pki');
  const session = serve(['--mode', 'mtls', '--json', '--write-env', envFile, '--certs', pkiDir]);
  try {
    const ready = await session.ready;
    expect(ready).toMatchObject({ mode: 'mtls', namespace: 'default', envFile, checkProblem: null });
    // Nothing beyond this machine reaches it unless asked (--listen), and it says so.
    expect(ready.publishedOn.filter((address) => address !== '127.0.0.1' && address !== '::1')).toEqual([]);
    expect(session.stderr()).toMatch(/^Published on 127\.0\.0\.1( and ::1)? only: nothing beyond this machine reaches it \(--listen ADDRESS to publish wider\)\.$/m);
    // What the server and its clients use, and nothing of the matrix's PKI (no CA key, no defects).
    expect(readdirSync(pkiDir).sort()).toEqual(['ca.pem', 'client.key', 'client.pem', 'server.key', 'server.pem', 'systemWorker.key', 'systemWorker.pem', 'temporal.toml']);
    const variables = parseEnvFile(await readFile(envFile, 'utf8'));

    // (a) The samples' variables, used as hello-world-mtls uses them.
    const samplesTls: TLSConfig = {
      serverRootCACertificate: await readFile(variables.TEMPORAL_SERVER_ROOT_CA_CERT_PATH),
      clientCertPair: {
        crt: await readFile(variables.TEMPORAL_CLIENT_CERT_PATH),
        key: await readFile(variables.TEMPORAL_CLIENT_KEY_PATH),
      },
      serverNameOverride: variables.TEMPORAL_SERVER_NAME_OVERRIDE,
    };
    expect(await runGreeting({ address: variables.TEMPORAL_ADDRESS, tls: samplesTls }, variables.TEMPORAL_NAMESPACE)).toBe(
      'Hello, serve!',
    );

    // (b) envconfig's variables, and the profile file, which must say the same.
    const envconfigVariables = Object.fromEntries(
      Object.entries(variables).filter(([name]) => /^TEMPORAL_(ADDRESS|NAMESPACE|TLS_.+)$/.test(name)),
    );
    expect(Object.keys(envconfigVariables)).toEqual(expect.arrayContaining(['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH']));
    const fromVariables = loadClientConnectConfig({ disableFile: true, overrideEnvVars: envconfigVariables });
    const fromProfile = loadClientConnectConfig({ configSource: { path: ready.profile }, overrideEnvVars: {} });
    expect(fromProfile).toEqual(fromVariables);
    expect(await runGreeting(fromVariables.connectionOptions, fromVariables.namespace)).toBe('Hello, serve!');

    // (c) mtls keeps requireClientAuth on: without the client certificate the server refuses.
    const { clientCertPair: _given, ...serverAuthOnly } = samplesTls;
    const withoutCert = Connection.lazy({ address: variables.TEMPORAL_ADDRESS, tls: serverAuthOnly, interceptors: [] });
    try {
      await expect(withoutCert.withDeadline(Date.now() + 5000, () => withoutCert.workflowService.getSystemInfo({}))).rejects.toThrow(/certificate required/);
    } finally {
      await withoutCert.close();
    }
  } finally {
    session.child.kill('SIGINT');
  }
  await expectCleanExitOnCtrlC(session);
  expect(existsSync(pkiDir)).toBe(false);
});

test('a busy --port is one line and a non-zero exit, with nothing started or written', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen({ port: 0, host: '0.0.0.0' }, resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  const pkiDir = path.join(tmp, 'pki');
  try {
    const session = serve(['--mode', 'tls', '--port', String(port), '--certs', pkiDir]);
    const { code } = await session.exited;
    expect(code).not.toBe(0);
    expect(session.stderr().trimEnd().split('\n')).toEqual([`error: port ${port} is already in use: stop what listens there, or pick another --port (omit it for a free one)`]);
    expect(containersOf(session.child.pid!)).toEqual([]);
    expect(existsSync(pkiDir)).toBe(false);
  } finally {
    blocker.close();
  }
});

test('a key given as --server-cert is one line, with nothing started or written', async () => {
  const pki = makeOpensslPki(tmp);
  const pkiDir = path.join(tmp, 'pki');
  const session = serve(['--mode', 'tls', '--server-cert', pki.server.key, '--server-key', pki.server.key, '--ca', pki.ca, '--certs', pkiDir]);
  expect((await session.exited).code).toBe(1);
  expect(session.stderr().trimEnd().split('\n')).toEqual([`error: --server-cert ${pki.server.key} holds a private key, not a certificate`]);
  expect(containersOf(session.child.pid!)).toEqual([]);
  expect(existsSync(pkiDir)).toBe(false);
});

test('your own certificates naming only tls-sample: serve says to use that server name, and a client that does connects', async () => {
  const pki = makeOpensslPki(tmp);
  const session = serve([
    '--mode', 'mtls', '--json', '--certs', path.join(tmp, 'serve'),
    '--server-cert', pki.server.cert, '--server-key', pki.server.key, '--ca', pki.ca,
    '--client-ca', pki.ca, '--client-cert', pki.client.cert, '--client-key', pki.client.key,
  ]);
  try {
    const ready = await session.ready;
    expect(ready).toMatchObject({ serverName: 'tls-sample', ca: pki.ca, cert: pki.client.cert, key: pki.client.key, checkProblem: null });
    expect(session.stderr()).toContain('use the server name tls-sample');
    expect(session.stderr()).toContain('export TEMPORAL_SERVER_NAME_OVERRIDE=tls-sample');
    expect(session.stderr()).toContain('--tls-server-name tls-sample');
    expect(session.stderr()).toMatch(/also trusts the internal CA \S+internal-ca\.pem for client certificates/);

    const tls = {
      serverRootCACertificate: await readFile(ready.ca!),
      clientCertPair: { crt: await readFile(ready.cert!), key: await readFile(ready.key!) },
    };
    const connection = await Connection.connect({ address: ready.address, tls: { ...tls, serverNameOverride: ready.serverName! } });
    try {
      expect((await connection.workflowService.getSystemInfo({})).serverVersion).toMatch(/^\d+\.\d+/);
    } finally {
      await connection.close();
    }
    // Without the name, the same client is refused: the frontend really presents the user's certificate.
    const unnamed = Connection.lazy({ address: ready.address, tls, interceptors: [] });
    try {
      await expect(unnamed.withDeadline(Date.now() + 5000, () => unnamed.workflowService.getSystemInfo({}))).rejects.toThrow(
        /tls-sample|altnames|Hostname/i,
      );
    } finally {
      await unnamed.close();
    }
  } finally {
    session.child.kill('SIGINT');
  }
  await expectCleanExitOnCtrlC(session);
});

describe('--auth api-key', () => {
  let temporalCli: string;
  beforeAll(async () => {
    // Built with go install on first use and cached (minutes on a fresh machine).
    temporalCli = await ensureTemporalCli();
  }, 30 * 60_000);

  test('tls --auth api-key: clients from the env file (each family) and the profile run a workflow; api-key and validate --api-key name each key; no token is printed', async () => {
    const envFile = path.join(tmp, 'serve.env');
    const certs = path.join(tmp, 'serve');
    const session = serve(['--mode', 'tls', '--auth', 'api-key', '--namespace', 'default', '--namespace', 'team-b', '--json', '--write-env', envFile, '--certs', certs]);
    const printed: string[] = [];
    try {
      const ready = await session.ready;
      expect(ready).toMatchObject({ mode: 'tls', auth: 'api-key', checkProblem: null });
      const token = (await readFile(ready.apiKeyFiles!.default, 'utf8')).trim();
      for (const file of [envFile, ready.profile, ready.apiKeyFiles!.default, ready.apiKeyFiles!['team-b']]) {
        expect([file, (await stat(file)).mode & 0o777]).toEqual([file, 0o600]);
      }
      const variables = parseEnvFile(await readFile(envFile, 'utf8'));
      expect(variables.TEMPORAL_CLIENT_API_KEY).toBe(token);

      // (a) The samples' variables: the API key with the CA.
      const samplesTls: TLSConfig = { serverRootCACertificate: await readFile(variables.TEMPORAL_SERVER_ROOT_CA_CERT_PATH) };
      const samples = { address: variables.TEMPORAL_ADDRESS, tls: samplesTls, apiKey: variables.TEMPORAL_CLIENT_API_KEY };
      expect(await runGreeting(samples, variables.TEMPORAL_NAMESPACE)).toBe('Hello, serve!');
      // ... and the same without the key is refused: authorization is really on.
      await expect(runGreeting({ ...samples, apiKey: undefined }, variables.TEMPORAL_NAMESPACE)).rejects.toThrow(/Request unauthorized/);

      // (b) envconfig's variables (TEMPORAL_API_KEY), and the profile (api_key), which must say the same.
      const envconfigVariables = Object.fromEntries(
        Object.entries(variables).filter(([name]) => /^TEMPORAL_(ADDRESS|NAMESPACE|API_KEY|TLS_.+)$/.test(name)),
      );
      const fromVariables = loadClientConnectConfig({ disableFile: true, overrideEnvVars: envconfigVariables });
      const fromProfile = loadClientConnectConfig({ configSource: { path: ready.profile }, overrideEnvVars: {} });
      expect(fromProfile).toEqual(fromVariables);
      expect(fromVariables.connectionOptions.apiKey).toBe(token);
      expect(await runGreeting(fromVariables.connectionOptions, fromVariables.namespace)).toBe('Hello, serve!');

      // (c) The temporal CLI with the printed flags (the key as "$(cat FILE)") describes the namespace; without --api-key it is refused.
      const printedCli = session.stderr().split('\n').find((line) => line.startsWith('temporal workflow list '))!;
      const describe = printedCli.replace('temporal workflow list', `${temporalCli} operator namespace describe`);
      expect(describe).toContain('--api-key "$(cat ');
      const withKey = spawnSync('bash', ['-c', describe], { encoding: 'utf8' });
      expect({ status: withKey.status, stderr: withKey.stderr }).toEqual({ status: 0, stderr: '' });
      expect(withKey.stdout).toMatch(/NamespaceInfo\.Name\s+default/);
      const withoutKey = spawnSync('bash', ['-c', describe.replace(/ --api-key "\$\(cat [^)]+\)"/, '')], { encoding: 'utf8' });
      expect([withoutKey.status, withoutKey.stderr]).toEqual([1, expect.stringContaining('Request unauthorized.')]);

      // (d) api-key mints for that server; validate --api-key names what each key can do, on both stacks.
      const mint = (args: string[]) => {
        const minted = runCli(['api-key', '--certs', certs, ...args]);
        expect(minted).toMatchObject({ status: 0 });
        printed.push(minted.stderr);
        return minted.stdout.trim();
      };
      const validateWith = (apiKey: string | undefined, env: Record<string, string> = {}) => {
        const flags = apiKey === undefined ? [] : ['--address', ready.address, '--ca', ready.ca!, ...(apiKey ? ['--api-key', apiKey] : [])];
        const run = runCli(['validate', '--json', ...flags], env);
        printed.push(run.stdout, run.stderr);
        const report = JSON.parse(run.stdout);
        return {
          status: run.status,
          probes: report.probes.map((probe: { stack: string; diagnosis: string | null }) => `${probe.stack} ${probe.diagnosis ?? 'ok'}`),
          findings: report.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { code: string }) => f.code),
        };
      };
      expect(validateWith(token)).toEqual({ status: 0, probes: ['client ok', 'worker ok'], findings: [] });
      expect(validateWith(mint(['--namespace', 'team-b', '--role', 'write']))).toEqual({
        status: 1,
        probes: ['client NAMESPACE_NOT_PERMITTED', 'worker NAMESPACE_NOT_PERMITTED'],
        findings: ['NAMESPACE_NOT_PERMITTED'],
      });
      expect(validateWith(mint(['--namespace', 'default', '--role', 'write', '--expires-in', '-5m']))).toEqual({
        status: 1,
        probes: ['client API_KEY_EXPIRED', 'worker API_KEY_EXPIRED'],
        findings: ['API_KEY_EXPIRED'],
      });
      // A read key describes the namespace (client ok) but may not poll (worker), which validate says offline too.
      expect(validateWith(mint(['--namespace', 'default', '--role', 'read']))).toEqual({
        status: 1,
        probes: ['client ok', 'worker ROLE_INSUFFICIENT'],
        findings: ['ROLE_INSUFFICIENT'],
      });
      // The key from each variable family of the env file, and from the profile, instead of flags.
      const samplesOnly = Object.fromEntries(Object.entries(variables).filter(([name]) => !(name in envconfigVariables) || /ADDRESS|NAMESPACE/.test(name)));
      expect(validateWith(undefined, samplesOnly)).toMatchObject({ status: 0, probes: ['client ok', 'worker ok'] });
      expect(validateWith(undefined, envconfigVariables)).toMatchObject({ status: 0, probes: ['client ok', 'worker ok'] });
      expect(validateWith(undefined, { TEMPORAL_CONFIG_FILE: ready.profile })).toMatchObject({ status: 0, probes: ['client ok', 'worker ok'] });
      expect(validateWith('', {})).toMatchObject({ probes: ['client API_KEY_MISSING', 'worker API_KEY_MISSING'] });

      // Bad input: one line, non-zero.
      const badRole = runCli(['api-key', '--certs', certs, '--namespace', 'default', '--role', 'writer']);
      expect([badRole.status, badRole.stderr.split('\n')[0]]).toEqual([1, "error: option '--role <role>' argument 'writer' is invalid. Allowed choices are read, write, worker, admin."]);
      const noKeys = runCli(['api-key', '--certs', tmp, '--namespace', 'default', '--role', 'read']);
      expect([noKeys.status, noKeys.stderr.trimEnd().split('\n').length]).toEqual([1, 1]);
      expect(noKeys.stderr).toMatch(/^error: no API-key signing key at /);
    } finally {
      session.child.kill('SIGINT');
    }
    await expectCleanExitOnCtrlC(session);
    // Nothing serve, api-key (stderr) or validate printed holds a token or a key.
    for (const output of [session.stderr(), ...printed]) {
      expect(output).not.toMatch(/eyJ[\w-]{10,}\.|PRIVATE KEY/);
    }
  });
});
