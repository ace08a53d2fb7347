/**
 * The owned-resource records: what a dead owner left is removed, what a live owner holds is not,
 * a reused pid does not count as the owner, and no empty parent folder is left behind. Real
 * processes (a child that claims and then dies or lives), a private cache folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'owned-test-'));
process.env.TLS_HARNESS_CACHE_DIR = path.join(scratch, 'cache');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const owned: typeof import('./owned') = require('./owned');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));


/** A child process that claims `folder` (and writes into it), then either exits or waits for a signal. */
function claimingChild(folder: string, stay: boolean) {
  const script = `
    require('tsx/cjs');
    const { claimFolder } = require(${JSON.stringify(path.join(__dirname, 'owned.ts'))});
    const fs = require('node:fs');
    claimFolder(${JSON.stringify(folder)});
    fs.writeFileSync(${JSON.stringify(path.join(folder, 'client.key'))}, 'secret', { mode: 0o600 });
    process.stdout.write('claimed\\n');
    ${stay ? 'setInterval(() => undefined, 1000);' : ''}
  `;
  return spawn(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    env: { ...process.env }, // jest's process.env is its own copy, which children do not inherit
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function claimed(child: ReturnType<typeof claimingChild>): Promise<void> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('claimed') && resolve());
    child.once('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
}

const records = () => readdirSync(path.join(scratch, 'cache', 'owners')).filter((name) => name.endsWith('.json'));

test('a folder whose owner died is removed with the parents it created; a live owner keeps its folder', async () => {
  const project = path.join(scratch, 'project');
  mkdirSync(project);
  const deadRun = path.join(project, 'certs', 'run-dead');
  const liveRun = path.join(project, 'other-certs', 'run-live');

  const dead = claimingChild(deadRun, false);
  await claimed(dead);
  await new Promise((resolve) => dead.once('exit', resolve));
  const live = claimingChild(liveRun, true);
  await claimed(live);
  try {
    expect(existsSync(deadRun)).toBe(true); // exiting without cleanup is what a kill -9 looks like here

    owned.sweepDeadOwners();

    expect(existsSync(path.join(project, 'certs'))).toBe(false);
    expect(existsSync(path.join(liveRun, 'client.key'))).toBe(true);
    expect(records()).toEqual([`${live.pid}-${owned.startTicksOf(live.pid!)}.json`]);
  } finally {
    live.kill('SIGKILL');
    await new Promise((resolve) => live.once('exit', resolve));
  }
  owned.sweepDeadOwners();
  expect(readdirSync(project)).toEqual([]);
  expect(records()).toEqual([]);
});

test('a record whose pid now belongs to another process (pid reuse) counts as dead', () => {
  const reused = path.join(scratch, 'reused');
  mkdirSync(reused);
  const me = owned.selfOwner();
  expect(me.startTicks).not.toBeNull(); // Linux: the start time is known
  // This process's pid, but an earlier start: the run that wrote it is gone.
  const record = { owner: { pid: me.pid, startTicks: me.startTicks! - 1 }, resources: [{ kind: 'tree', path: reused }] };
  mkdirSync(path.join(scratch, 'cache', 'owners'), { recursive: true });
  writeFileSync(path.join(scratch, 'cache', 'owners', `${me.pid}-${me.startTicks! - 1}.json`), JSON.stringify(record));

  expect(owned.sweepDeadOwners()).toBe(1);
  expect(existsSync(reused)).toBe(false);
});

test('a claimed host process outliving its dead owner is killed; an unrelated one with a reused pid is not', async () => {
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => sleeper.once('exit', (_code, signal) => resolve(signal)));
  const bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
  try {
    const ownerPid = 2 ** 22 + 1; // above pid_max's ceiling: never a running process
    const owners = path.join(scratch, 'cache', 'owners');
    mkdirSync(owners, { recursive: true });
    const resources = [
      { kind: 'process', pid: sleeper.pid, startTicks: owned.startTicksOf(sleeper.pid!) },
      { kind: 'process', pid: bystander.pid, startTicks: owned.startTicksOf(bystander.pid!)! - 1 },
    ];
    writeFileSync(path.join(owners, `${ownerPid}-1.json`), JSON.stringify({ owner: { pid: ownerPid, startTicks: 1 }, resources }));

    owned.sweepDeadOwners();

    expect(await exited).toBe('SIGKILL');
    expect(spawnSync('kill', ['-0', String(bystander.pid)]).status).toBe(0);
  } finally {
    sleeper.kill('SIGKILL');
    bystander.kill('SIGKILL');
  }
});

test('a shared parent folder is left to whichever owner ends last', () => {
  const root = path.join(scratch, 'shared', 'certs');
  const first = owned.claimFolder(path.join(root, 'run-a')); // creates shared/ and certs/ from nothing
  expect(existsSync(path.join(root, 'run-a'))).toBe(true);
  mkdirSync(path.join(root, 'run-b')); // another run's folder, still in use
  first();
  expect(readdirSync(root)).toEqual(['run-b']);
  expect(records()).toHaveLength(1); // the parents stay claimed until they are empty
  rmSync(path.join(root, 'run-b'), { recursive: true });
});
