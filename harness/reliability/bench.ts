/**
 * `npm run bench`: where the time goes, measured in one process on this machine. A benchmark, not
 * a test: it asserts nothing, and its numbers depend on the machine and on what else runs there.
 *
 * - PKI: one certificate (median of several) and the whole harness PKI;
 * - provisioning: the server binary and image, warm (cached); cold only with `--cold`;
 * - the full matrix: set-up, each server's start to SERVING, per-cell latency by family and stack;
 * - the SDK with its default settings on the same negative cases (client stack): how long until
 *   the application would see a failure, against the harness's verdict for the same case;
 * - the slow families (lifetime), run on their own: their wall time, and each held cell's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SCENARIOS, SERVERS } from '../../scenarios';
import { ensureServerBinary } from '../env/server-binary';
import { ensureServerImage } from '../env/server-image';
import { configureTestcontainers } from '../env/engine-host';
import { runMatrixReport } from '../library/matrix';
import { credentialsNeeded, softwareNeeded, serversFor, setUpMatrixEnvironment } from '../matrix/environment';
import type { CellResult } from '../matrix/results';
import { SLOW_FAMILIES } from '../matrix/scenario';
import { splitByDefaultPort } from '../matrix/run-matrix';
import { CellRunner } from '../matrix/runner';
import { writeHarnessPki } from '../pki/harness-pki';
import { mintCertificate } from '../pki/mint';
import { SDK_DEFAULT_CAP_MS } from '../stacks/client-stack';

export interface Stats {
  n: number;
  medianMs: number;
  p95Ms: number;
}

export interface SdkDefaultCase {
  scenario: string;
  expected: string;
  harnessMs: number;
  sdkDefaultMs: number;
  /** The SDK was still not done when the cap was reached. */
  capped: boolean;
  ratio: number;
  sdkError: string;
}

export interface BenchReport {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage1m: number };
  pki: { perCertificate: Stats; wholeMs: number };
  provisioning: { binaryWarmMs: number; imageWarmMs: number; binaryColdMs?: number; imageColdMs?: number };
  matrix: {
    cells: number;
    setupMs: number;
    wallMs: number;
    cellsPerSecond: number;
    serverStartMs: Record<string, number>;
    perCell: Record<string, Stats>;
  };
  sdkDefault: SdkDefaultCase[];
  /** The slow families, run on their own after the matrix (`matrix --family lifetime`). */
  slow: { families: string[]; cells: number; setupMs: number; wallMs: number; perCell: { cell: string; ms: number }[] };
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { n: sorted.length, medianMs: at(0.5), p95Ms: at(0.95) };
}

async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const begin = performance.now();
  const result = await step();
  return [result, Math.round(performance.now() - begin)];
}

export async function bench(options: { cold?: boolean; log?: (line: string) => void } = {}): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  configureTestcontainers();
  log('PKI minting');
  const ca = await mintCertificate({ commonName: 'bench CA', isCa: true });
  const perCertificate: number[] = [];
  for (let i = 0; i < 8; i++) perCertificate.push((await timed(() => mintCertificate({ commonName: 'localhost' }, ca)))[1]);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
  const [, wholeMs] = await timed(() => writeHarnessPki(path.join(scratch, 'pki')));
  await rm(scratch, { recursive: true, force: true });

  log('provisioning (warm)');
  const provisioning: BenchReport['provisioning'] = {
    binaryWarmMs: (await timed(() => ensureServerBinary()))[1],
    imageWarmMs: (await timed(ensureServerImage))[1],
  };
  if (options.cold) Object.assign(provisioning, await coldBuild(log));

  log('full matrix');
  const report = await runMatrixReport({});
  const cells = report.scenarios.flatMap((scenario) => scenario.cells);
  const groups = new Map<string, number[]>();
  for (const cell of cells) {
    const group = `${cell.family} / ${cell.stack}`;
    groups.set(group, [...(groups.get(group) ?? []), cell.ms]);
  }
  const serverStartMs = Object.fromEntries(
    Object.entries(report.timings)
      .filter(([name]) => name.startsWith('server:'))
      .map(([name, ms]) => [name.slice('server:'.length, -'Ms'.length), ms]),
  );

  log('the SDK with its defaults on the negative client cases');
  const sdkDefault = await sdkDefaults(cells);

  log(`the slow families on their own (${SLOW_FAMILIES.join(', ')}: minutes)`);
  const slow = await runMatrixReport({ family: [...SLOW_FAMILIES] });
  const slowCells = slow.scenarios.flatMap((scenario) => scenario.cells);
  return {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
    },
    pki: { perCertificate: stats(perCertificate), wholeMs },
    provisioning,
    matrix: {
      cells: cells.length,
      setupMs: report.summary.setupMs,
      wallMs: report.summary.wallMs,
      cellsPerSecond: report.summary.cellsPerSecond,
      serverStartMs,
      perCell: Object.fromEntries([...groups].map(([group, values]) => [group, stats(values)])),
    },
    sdkDefault,
    slow: {
      families: [...SLOW_FAMILIES],
      cells: slowCells.length,
      setupMs: slow.summary.setupMs,
      wallMs: slow.summary.wallMs,
      perCell: slowCells.map((cell) => ({ cell: `${cell.scenario} [${cell.stack}]`, ms: cell.ms })).sort((a, b) => b.ms - a.ms),
    },
  };
}

/** A cold build: the binary and image into a fresh cache (Go's build cache too; modules stay cached). */
async function coldBuild(log: (line: string) => void) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-cold-'));
  const saved = { cache: process.env.TLS_HARNESS_CACHE_DIR, gocache: process.env.GOCACHE };
  process.env.TLS_HARNESS_CACHE_DIR = scratch;
  process.env.GOCACHE = path.join(scratch, 'go-build');
  try {
    log('cold server build (minutes)');
    return { binaryColdMs: (await timed(() => ensureServerBinary()))[1], imageColdMs: (await timed(ensureServerImage))[1] };
  } finally {
    process.env.TLS_HARNESS_CACHE_DIR = saved.cache;
    process.env.GOCACHE = saved.gocache;
    if (saved.cache === undefined) delete process.env.TLS_HARNESS_CACHE_DIR;
    if (saved.gocache === undefined) delete process.env.GOCACHE;
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Each negative client case as an application with the SDK's defaults meets it (the client stack's
 * `sdkDefaults` mode: Connection.connect with its default connect timeout and retries, then the
 * workflow started and awaited), run by a cell runner as the matrix runs it: in a child with the
 * scenario's environment, through its proxies, so the two times are measured alike. Fault
 * scenarios are left out (the fault is done around the cell; without it the case is another one).
 */
async function sdkDefaults(cells: CellResult[]): Promise<SdkDefaultCase[]> {
  const negative = cells.filter((cell) => cell.stack === 'client' && cell.expected === 'fail' && cell.passed);
  const scenarios = negative.map((cell) => SCENARIOS.find((scenario) => scenario.name === cell.scenario)!).filter((scenario) => !scenario.fault);
  const environment = await setUpMatrixEnvironment(serversFor(scenarios, SERVERS), {
    certsRoot: os.tmpdir(),
    software: softwareNeeded(scenarios),
    onDemand: credentialsNeeded(scenarios, SERVERS),
  });
  const { endpoints, workflowBundlePath } = environment.description;
  const runner = new CellRunner(endpoints, environment.pki, workflowBundlePath, { clientWithSdkDefaults: true });
  try {
    const { runnable } = splitByDefaultPort(scenarios, SERVERS, endpoints);
    return await Promise.all(
      runnable.map(async (scenario) => {
        const harnessMs = negative.find((cell) => cell.scenario === scenario.name)!.ms;
        const sdk = await runner.run(scenario, 'client');
        const capped = sdk.ms >= SDK_DEFAULT_CAP_MS;
        return {
          scenario: scenario.name,
          expected: String(scenario.expect.client),
          harnessMs,
          sdkDefaultMs: sdk.ms,
          capped,
          ratio: Math.round((sdk.ms / Math.max(harnessMs, 1)) * 10) / 10,
          sdkError: capped ? 'no failure yet' : (sdk.error ?? 'no error').split('\n')[0].slice(0, 120),
        };
      }),
    );
  } finally {
    await runner.close();
    await environment.stop();
  }
}

/** The SDK made the application wait: it was still going at the cap, or failed only at a deadline. */
export function sdkWaits(c: SdkDefaultCase): boolean {
  return c.capped || c.sdkDefaultMs >= 5000;
}

export function renderBench(report: BenchReport): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const m = report.machine;
  const lines = [
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; load average at the end ${m.loadAverage1m} (shared machine: numbers are noisy).`,
    '',
    '| step | time |',
    '|---|---|',
    `| one certificate (RSA 2048, median of ${report.pki.perCertificate.n}) | ${s(report.pki.perCertificate.medianMs)} s (p95 ${s(report.pki.perCertificate.p95Ms)} s) |`,
    `| whole harness PKI, minted and written | ${s(report.pki.wholeMs)} s |`,
    `| server binary, warm | ${s(report.provisioning.binaryWarmMs)} s |`,
    `| server image, warm | ${s(report.provisioning.imageWarmMs)} s |`,
    report.provisioning.binaryColdMs === undefined
      ? '| server binary and image, cold | not measured in this run (`--cold`) |'
      : `| server binary, cold / image, cold | ${s(report.provisioning.binaryColdMs)} s / ${s(report.provisioning.imageColdMs!)} s |`,
    `| matrix set-up (engine, PKI, ${Object.keys(report.matrix.serverStartMs).length} servers, harness workers) | ${s(report.matrix.setupMs)} s |`,
    `| matrix cells (${report.matrix.cells}) | ${s(report.matrix.wallMs)} s, ${report.matrix.cellsPerSecond} cells/s |`,
    '',
    '| server | start to SERVING |',
    '|---|---|',
    ...Object.entries(report.matrix.serverStartMs).map(([name, ms]) => `| ${name} | ${s(ms)} s |`),
    '',
    '| family / stack | cells | median | p95 |',
    '|---|---|---|---|',
    ...Object.entries(report.matrix.perCell).map(([group, st]) => `| ${group} | ${st.n} | ${s(st.medianMs)} s | ${s(st.p95Ms)} s |`),
    '',
    `The SDK with its defaults on the negative cases (client stack; capped at ${SDK_DEFAULT_CAP_MS / 1000} s):`,
    '',
    '| scenario | harness verdict | SDK default fails after | ratio | what the SDK said |',
    '|---|---|---|---|---|',
    ...report.sdkDefault.map(
      (c) =>
        `| ${c.scenario} | ${c.expected} in ${s(c.harnessMs)} s | ${c.capped ? '≥ ' : ''}${s(c.sdkDefaultMs)} s | ${c.capped ? '≥ ' : ''}${c.ratio}× | ${c.sdkError.replace(/\|/g, '/')} |`,
    ),
  ];
  lines.push(
    '',
    `The slow families on their own (${report.slow.families.join(', ')}): ${report.slow.cells} cells in ${s(report.slow.wallMs)} s of wall time, set-up ${s(report.slow.setupMs)} s; the longest cells (each holds its connection on purpose):`,
    '',
    '| cell | time |',
    '|---|---|',
    ...report.slow.perCell.slice(0, 8).map(({ cell, ms }) => `| ${cell} | ${s(ms)} s |`),
  );
  // Where the SDK fails at once (a key it cannot parse, a refused token), the harness cannot be
  // faster, only clearer; the ratio matters where the SDK makes the application wait.
  const waits = report.sdkDefault.filter(sdkWaits);
  const ratios = waits.map((c) => c.ratio);
  if (ratios.length) {
    const under = waits.filter((c) => c.ratio < 10).map((c) => `${c.scenario} ${c.ratio}×`);
    lines.push(
      '',
      `Cases where the SDK makes the application wait (its ${SDK_DEFAULT_CAP_MS / 1000} s cap or a deadline of about 10 s): ${waits.length} of ${report.sdkDefault.length}; ` +
        `ratio SDK default / harness: median ${stats(ratios).medianMs}×, lowest ${Math.min(...ratios)}×; under 10×: ${under.length ? under.join(', ') : 'none'}. ` +
        `In the other ${report.sdkDefault.length - waits.length} the SDK fails at once, in words that do not name the cause.`,
    );
  }
  return lines.join('\n');
}
