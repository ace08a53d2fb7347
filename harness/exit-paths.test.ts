/**
 * Nothing is left behind on any exit path of a real matrix run (the CLI in a child process, run
 * from an empty project folder): normal exit, an error after servers were created, SIGINT,
 * SIGHUP and SIGTERM (during cells and during server start), and a kill -9 followed by the next
 * run, which removes what the killed one left. "Left behind" is checked where it would be: the
 * containers labelled with the run's pid, the project folder, and the run's record in the cache.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from './env/cache';
import { containersOf } from './e2e/containers-of';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'temporal-tls-harness.js');

interface Run {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stderr has shown a line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
  stderr(): string;
}

function matrix(project: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [CLI, 'matrix', ...args], {
    cwd: project,
    env: { ...process.env, ...env, TLS_HARNESS_QUIET: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const waiter of waiters) if (waiter.pattern.test(stderr)) waiter.resolve();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    exited,
    stderr: () => stderr,
    logged: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void exited.then(({ code }) => reject(new Error(`the run exited (${code}) before logging ${pattern}:\n${stderr}`)));
      }),
  };
}

/** What a run with this pid left: its containers, the project's entries, its record in the cache. */
async function leftovers(pid: number, project: string) {
  const records = await readdir(path.join(cacheDir(), 'owners')).catch(() => [] as string[]);
  return {
    containers: containersOf(pid).length,
    projectEntries: await readdir(project),
    record: records.some((name) => name.startsWith(`${pid}-`)),
  };
}

const NOTHING = { containers: 0, projectEntries: [], record: false };

let project: string;
beforeEach(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), 'exit-paths-'));
});
afterEach(() => rm(project, { recursive: true, force: true }));

test('normal exit: the reports are written and nothing else (no empty certs/ folder)', async () => {
  const run = matrix(project, ['--only', '^mtls$', '--json', 'out.json']);
  expect(await run.exited).toEqual({ code: 0, signal: null });
  expect(await leftovers(run.pid, project)).toEqual({ ...NOTHING, projectEntries: ['out.json'] });
});

test('an error after the servers were created (their entrypoint is missing): exit 1, nothing left', async () => {
  const image = spawnSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', 'temporal-tls-harness/server'], {
    encoding: 'utf8',
  }).stdout.split('\n')[0];
  expect(image).toMatch(/^temporal-tls-harness\/server:/); // provisioned by an earlier run or test
  const run = matrix(project, ['--family', 'client-cert'], {
    TLS_HARNESS_SERVER_IMAGE: image,
    TLS_HARNESS_SERVER_ENTRYPOINT: '/no-such-binary',
  });
  expect(await run.exited).toEqual({ code: 1, signal: null });
  expect(run.stderr()).toMatch(/Temporal server did not start/);
  expect(await leftovers(run.pid, project)).toEqual(NOTHING);
});

const CELLS_RUNNING = /running \d+ cells/;
const SERVERS_STARTING = /starting \d+ Temporal server/;
test.each([
  { signal: 'SIGINT', code: 130, phase: 'cells', moment: CELLS_RUNNING },
  { signal: 'SIGHUP', code: 129, phase: 'cells', moment: CELLS_RUNNING },
  { signal: 'SIGTERM', code: 143, phase: 'cells', moment: CELLS_RUNNING },
  { signal: 'SIGTERM', code: 143, phase: 'server start', moment: SERVERS_STARTING },
] as const)('$signal during $phase: exit $code, nothing left', async ({ signal, code, moment }) => {
  const run = matrix(project, ['--family', 'client-cert']);
  await run.logged(moment);
  run.child.kill(signal);
  expect(await run.exited).toEqual({ code, signal: null });
  expect(await leftovers(run.pid, project)).toEqual(NOTHING);
});

test('kill -9 of a running matrix: the next run removes its containers, its PKI folder and certs/', async () => {
  const killed = matrix(project, ['--family', 'client-cert']);
  await killed.logged(/running \d+ cells/);
  killed.child.kill('SIGKILL');
  await killed.exited;
  const left = await leftovers(killed.pid, project);
  // What the next run has to clean: the killed run's servers, its keys, its record.
  expect(left.containers).toBeGreaterThan(0);
  expect(left.projectEntries).toEqual(['certs']);
  expect((await readdir(path.join(project, 'certs')))[0]).toMatch(/^run-/);
  expect(left.record).toBe(true);

  const next = matrix(project, ['--only', '^mtls$']);
  expect(await next.exited).toEqual({ code: 0, signal: null });
  expect(await leftovers(killed.pid, project)).toEqual(NOTHING);
  expect(await leftovers(next.pid, project)).toEqual(NOTHING);
  expect(existsSync(path.join(project, 'certs'))).toBe(false);
});

test('the Docker engine unreachable at start: one line naming DOCKER_HOST and how to start an engine, nothing left', async () => {
  const run = matrix(project, ['--only', '^mtls$'], { DOCKER_HOST: 'tcp://127.0.0.1:9' });
  expect(await run.exited).toEqual({ code: 1, signal: null });
  const errors = run.stderr().split('\n').filter((line) => line.startsWith('error:'));
  expect(errors).toEqual([expect.stringMatching(/DOCKER_HOST=tcp:\/\/127\.0\.0\.1:9: start the engine there \(e\.g\. "sudo systemctl start docker"/)]);
  expect(run.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  expect(await leftovers(run.pid, project)).toEqual(NOTHING);
});
