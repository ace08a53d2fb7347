/**
 * `npm run soak -- --runs N`: the matrix N times in one process, to show whether repeated runs
 * agree and whether anything grows. Per run: cells whose outcome or cause differs from the first
 * run's, the process's open file descriptors and its harness containers once the run is over, and
 * the peak resident memory during it (sampled), and the JavaScript heap it still holds after a full
 * garbage collection (when started with --expose-gc, as `npm run soak` is): resident memory also
 * counts what the allocator keeps for reuse, so it rises for a while without anything being held.
 */
import { readdirSync } from 'node:fs';
import { getContainerRuntimeClient } from 'testcontainers';
import { OWNER_PID_LABEL } from '../env/labels';
import { runMatrixReport, type MatrixOptions } from '../library/matrix';
import type { CellResult } from '../matrix/results';

export interface SoakRun {
  run: number;
  cells: number;
  failed: number;
  /** Each failed cell: `scenario [stack]: expected X, got Y: <the stack's error, first line>`. */
  failures: string[];
  /** Cells whose outcome or diagnosis differs from run 1's: `scenario [stack]: before -> now`. */
  flips: string[];
  wallMs: number;
  setupMs: number;
  openFds: number;
  containers: number;
  peakRssMb: number;
  /** Heap in use after a full collection; null without --expose-gc. */
  heapAfterGcMb: number | null;
}

/** What a cell came to: its cause (or ok) and what its timeline showed, which flips as much as the outcome. */
const outcome = (cell: CellResult) => `${cell.diagnosis ?? 'ok'}${cell.findings.length > 0 ? ` + ${[...cell.findings].sort().join(', ')}` : ''}`;
const key = (cell: CellResult) => `${cell.scenario} [${cell.stack}]`;
const failure = (cell: CellResult) =>
  `${key(cell)}: expected ${cell.expectedDiagnosis ?? 'ok'}, got ${outcome(cell)}${cell.detail ? ` (${cell.detail})` : ''}: ${(cell.error ?? '').split('\n')[0].slice(0, 300)}`;

export async function soak(runs: number, options: MatrixOptions = {}, onRun?: (run: SoakRun) => void): Promise<SoakRun[]> {
  const results: SoakRun[] = [];
  let first: Map<string, string> | undefined;
  for (let run = 1; run <= runs; run++) {
    const sampler = peakRss();
    const began = Date.now();
    const report = await runMatrixReport(options).finally(() => sampler.stop());
    const cells = report.scenarios.flatMap((scenario) => scenario.cells);
    const now = new Map(cells.map((cell) => [key(cell), outcome(cell)]));
    first ??= now;
    const flips = [...new Set([...first.keys(), ...now.keys()])]
      .filter((name) => first!.get(name) !== now.get(name))
      .map((name) => `${name}: ${first!.get(name) ?? 'not run'} -> ${now.get(name) ?? 'not run'}`);
    const result: SoakRun = {
      run,
      cells: cells.length,
      failed: report.summary.failed,
      failures: cells.filter((cell) => !cell.passed).map(failure),
      flips,
      wallMs: Date.now() - began,
      setupMs: report.summary.setupMs,
      openFds: readdirSync('/proc/self/fd').length,
      containers: await ownContainers(),
      peakRssMb: Math.round(sampler.stop() / 2 ** 20),
      heapAfterGcMb: heapAfterGc(),
    };
    results.push(result);
    onRun?.(result);
  }
  return results;
}

function heapAfterGc(): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

async function ownContainers(): Promise<number> {
  const { dockerode } = (await getContainerRuntimeClient()).container;
  return (await dockerode.listContainers({ all: true, filters: { label: [`${OWNER_PID_LABEL}=${process.pid}`] } })).length;
}

/** Peak RSS while it runs: process.resourceUsage().maxRSS is the lifetime peak, not a run's. */
function peakRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export function renderSoak(runs: SoakRun[]): string {
  const header = '| run | cells | failed | flips | wall s | set-up s | open fds | containers after | peak RSS MB | heap after GC MB |';
  const rows = runs.map(
    (r) =>
      `| ${r.run} | ${r.cells} | ${r.failed} | ${r.flips.length} | ${(r.wallMs / 1000).toFixed(1)} | ${(r.setupMs / 1000).toFixed(1)} | ${r.openFds} | ${r.containers} | ${r.peakRssMb} | ${r.heapAfterGcMb ?? '-'} |`,
  );
  const flips = runs.flatMap((r) => r.flips.map((flip) => `  run ${r.run}: ${flip}`));
  const failures = runs.flatMap((r) => r.failures.map((failure) => `  run ${r.run}: ${failure}`));
  const fds = runs.map((r) => r.openFds);
  const verdict =
    `${runs.length} runs: ${flips.length === 0 ? 'no cell changed its outcome' : `${flips.length} outcome change(s)`}; ` +
    `open fds ${Math.min(...fds)}-${Math.max(...fds)}; ${heapRange(runs)}containers left after a run: ${Math.max(...runs.map((r) => r.containers))}`;
  return [
    header,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    verdict,
    ...(flips.length ? ['Changes:', ...flips] : []),
    ...(failures.length ? ['Failed cells:', ...failures] : []),
  ].join('\n');
}

function heapRange(runs: SoakRun[]): string {
  const heaps = runs.map((r) => r.heapAfterGcMb).filter((mb) => mb !== null);
  return heaps.length ? `heap after GC ${Math.min(...heaps)}-${Math.max(...heaps)} MB; ` : '';
}
