/**
 * Proxy software the harness runs on this machine (loopback only), cleaned up like its
 * containers: each process is recorded in a pid file naming its owner, stopped on every exit
 * path (normal, error, Ctrl-C, SIGTERM, crash: see cleanup.ts), and swept at the next start when
 * its owner is gone (after a kill -9).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from '../cleanup';
import { cacheDir } from '../env/cache';
import { processAlive } from '../env/process-alive';
import { log } from '../log';

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2000;

export interface HostProcessSpec {
  /** For messages and the working folder's name, e.g. `tls-proxy-h2`. */
  name: string;
  command: string;
  /** Arguments, given the working folder (for configuration and logs). */
  args: (dir: string) => string[];
  /** Files to write into the working folder before start (configuration). */
  files: (dir: string) => Record<string, string>;
  /** The loopback port it listens on; start() returns once it accepts connections. */
  port: number;
  /** The loopback address it listens on (default 127.0.0.1). */
  host?: LoopbackHost;
}

export type LoopbackHost = '127.0.0.1' | '::1';

export interface HostProcess {
  name: string;
  /** `127.0.0.1:<port>`, or `[::1]:<port>`. */
  address: string;
  /** A file of the working folder, e.g. the proxy's log. */
  read(file: string): Promise<string>;
  stop(): Promise<void>;
}

interface PidRecord {
  owner: number;
  pid: number;
  command: string;
  /** Its working folder, removed with it. */
  dir: string;
}

const registry = () => path.join(cacheDir(), 'processes');

export async function startHostProcess(spec: HostProcessSpec): Promise<HostProcess> {
  const host = spec.host ?? '127.0.0.1';
  sweepLeftoverProcesses();
  const dir = await mkdtemp(path.join(os.tmpdir(), `temporal-tls-harness-${spec.name}-`));
  for (const [file, content] of Object.entries(spec.files(dir))) writeFileSync(path.join(dir, file), content);
  const output = openSync(path.join(dir, 'output.log'), 'a');
  const child = spawn(spec.command, spec.args(dir), { stdio: ['ignore', output, output] });
  closeSync(output); // the child holds its own copy; ours would stay open for the whole process (the soak saw one per proxy)
  child.once('error', () => undefined); // a command that cannot run shows as a missing pid below
  if (child.pid === undefined) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${spec.name}: cannot run ${spec.command}`);
  }
  const pidFile = path.join(registry(), `${process.pid}-${child.pid}.json`);
  mkdirSync(registry(), { recursive: true });
  writeFileSync(pidFile, JSON.stringify({ owner: process.pid, pid: child.pid, command: spec.command, dir } satisfies PidRecord));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      forget();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(pidFile, { force: true });
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const forget = onCleanup(stop);
  try {
    await waitForPort(host, spec.port, exited);
  } catch (error) {
    const output = await readFile(path.join(dir, 'output.log'), 'utf8').catch(() => '');
    await stop();
    throw new Error(`${spec.name} (${spec.command}) did not start: ${(error as Error).message}${output ? `: ${output.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  }
  return {
    name: spec.name,
    address: host === '::1' ? `[::1]:${spec.port}` : `${host}:${spec.port}`,
    read: (file) => readFile(path.join(dir, file), 'utf8').catch(() => ''),
    stop,
  };
}

async function waitForPort(host: LoopbackHost, port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error('it exited');
    if (await accepts(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on ${host} port ${port} within ${START_TIMEOUT_MS}ms`);
}

function accepts(host: LoopbackHost, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Stop processes whose owner is gone, and forget their records. Only processes still running the recorded command are killed. */
export function sweepLeftoverProcesses(): number {
  if (!existsSync(registry())) return 0;
  let swept = 0;
  for (const name of readdirSync(registry())) {
    const file = path.join(registry(), name);
    let record: PidRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // being written by its owner right now
    }
    if (record.owner === process.pid || processAlive(record.owner)) continue;
    if (processAlive(record.pid) && commandOf(record.pid).includes(path.basename(record.command))) {
      process.kill(record.pid, 'SIGKILL');
      swept++;
    }
    rmSync(record.dir, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
  if (swept > 0) log(`stopped ${swept} proxy process(es) left behind by earlier runs`);
  return swept;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
