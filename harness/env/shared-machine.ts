/**
 * Matrix runs on this machine at the same moment, as two CI jobs on one runner are. Each run
 * marks itself while it runs (a folder named after its owner, claimed like any other, so a
 * killed run's mark is swept), and divides its cell concurrency by the runs it sees: together
 * they then put one run's load on the cores, where two full loads starved cells past their
 * deadlines (2 cores: 18 TIMEOUTs in 838 s).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from './cache';
import { claimFolder, ownerAlive, selfOwner } from './owned';

const runsDir = () => path.join(cacheDir(), 'matrix-runs');

/** Mark this process as running a matrix; returns the unmarking. */
export function markMatrixRun(): () => void {
  const owner = selfOwner();
  return claimFolder(path.join(runsDir(), `${owner.pid}-${owner.startTicks ?? 'x'}`));
}

/** Marked runs whose owner still runs, this one included (at least 1). */
export function matrixRunsNow(): number {
  let marks: string[];
  try {
    marks = readdirSync(runsDir());
  } catch {
    return 1;
  }
  const live = marks.filter((mark) => {
    const [pid, ticks] = mark.split('-');
    return ownerAlive({ pid: Number(pid), startTicks: ticks === 'x' ? null : Number(ticks) });
  });
  return Math.max(1, live.length);
}

/** `limit` shared among `runs`: at least one each. */
export function shareOf(limit: number, runs: number): number {
  return Math.max(1, Math.floor(limit / runs));
}
