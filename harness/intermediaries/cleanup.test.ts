/**
 * The proxy processes the harness starts never outlive it: the real CLI, interrupted with
 * Ctrl-C while its proxies run, stops them (and its containers); killed with SIGKILL, it leaves
 * them behind for the next start to sweep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from '../env/cache';
import { OWNER_PID_LABEL } from '../env/labels';
import { processAlive } from '../env/process-alive';
import { sweepLeftoverProcesses } from './host-process';

jest.setTimeout(240_000);

const CLI = path.join(__dirname, '..', '..', 'bin', 'temporal-tls-harness.js');
const REGISTRY = path.join(cacheDir(), 'processes');
/** The TLS proxies start before the first cell, and stay until the run ends. */
const WITH_PROXIES = ['matrix', '--only', '^tls-proxy-with(out)?-'];

function startMatrix(): ChildProcess {
  return spawn(process.execPath, [CLI, ...WITH_PROXIES], { env: { ...process.env, TLS_HARNESS_QUIET: '1' }, stdio: 'ignore' });
}

/** The proxy processes `owner` recorded (pid and working folder). */
function recordedBy(owner: number): { pid: number; dir: string }[] {
  if (!existsSync(REGISTRY)) return [];
  return readdirSync(REGISTRY)
    .filter((name) => name.startsWith(`${owner}-`))
    .flatMap((name) => {
      try {
        return [JSON.parse(readFileSync(path.join(REGISTRY, name), 'utf8'))];
      } catch {
        return [];
      }
    });
}

async function waitForProxies(owner: number, count: number): Promise<{ pid: number; dir: string }[]> {
  for (;;) {
    const records = recordedBy(owner);
    if (records.length >= count) return records;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

function containersOf(pid: number): string[] {
  const listed = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=${OWNER_PID_LABEL}=${pid}`], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter(Boolean);
}

test('Ctrl-C stops every proxy process and container the run started', async () => {
  const run = startMatrix();
  const exited = exitOf(run);
  const proxies = await waitForProxies(run.pid!, 2);
  expect(proxies.every(({ pid }) => processAlive(pid))).toBe(true);
  run.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(proxies.filter(({ pid }) => processAlive(pid))).toEqual([]);
  expect(proxies.filter(({ dir }) => existsSync(dir))).toEqual([]);
  // Cells still in flight when Ctrl-C came must not have started new ones either.
  expect(recordedBy(run.pid!)).toEqual([]);
  expect(containersOf(run.pid!)).toEqual([]);
});

test('proxies left by a killed run are swept at the next start', async () => {
  const run = startMatrix();
  const exited = exitOf(run);
  const proxies = await waitForProxies(run.pid!, 2);
  run.kill('SIGKILL');
  await exited;
  expect(proxies.every(({ pid }) => processAlive(pid))).toBe(true); // orphaned, as after a crash
  expect(sweepLeftoverProcesses()).toBe(proxies.length);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(proxies.filter(({ pid }) => processAlive(pid))).toEqual([]);
  expect(recordedBy(run.pid!)).toEqual([]);
  // Its containers go at the next start too (labels.ts); this test started none to sweep itself.
  spawnSync('docker', ['rm', '-f', ...containersOf(run.pid!)], { stdio: 'ignore' });
});
