/** Counting the matrix runs on this machine by their marks, and sharing a limit among them. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTicksOf } from './owned';
import { markMatrixRun, matrixRunsNow, shareOf } from './shared-machine';

let cache: string;
beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'shared-machine-'));
  process.env.TLS_HARNESS_CACHE_DIR = cache;
});
afterEach(() => {
  delete process.env.TLS_HARNESS_CACHE_DIR;
  rmSync(cache, { recursive: true, force: true });
});

const markOf = (pid: number, ticks: number | null) => mkdirSync(path.join(cache, 'matrix-runs', `${pid}-${ticks ?? 'x'}`), { recursive: true });

test('a run counts itself and every other live run, never a dead one, and its mark goes with it', async () => {
  expect(matrixRunsNow()).toBe(1); // nothing marked yet: this run alone
  const unmark = markMatrixRun();
  expect(matrixRunsNow()).toBe(1);
  const other = spawn('sleep', ['30']);
  try {
    await new Promise((resolve) => other.once('spawn', resolve));
    markOf(other.pid!, startTicksOf(other.pid!));
    expect(matrixRunsNow()).toBe(2);
    // Its pid, but another start time: a reused pid, not the run that marked.
    markOf(other.pid!, (startTicksOf(other.pid!) ?? 0) + 1);
    expect(matrixRunsNow()).toBe(2);
  } finally {
    other.kill();
  }
  await new Promise((resolve) => other.once('exit', resolve));
  expect(matrixRunsNow()).toBe(1);
  unmark();
  expect(existsSync(path.join(cache, 'matrix-runs', `${process.pid}-${startTicksOf(process.pid)}`))).toBe(false);
});

test('shareOf: the limit divided among the runs, at least one each', () => {
  expect(shareOf(6, 1)).toBe(6);
  expect(shareOf(6, 2)).toBe(3);
  expect(shareOf(2, 2)).toBe(1);
  expect(shareOf(2, 3)).toBe(1);
});
