/**
 * `npm run bench`: where the time goes, measured in one process on this machine. A benchmark, not
 * a test: it asserts nothing, and its numbers depend on the machine and on what else runs there.
 *
 * - PKI: one certificate (median of several) and the whole harness PKI;
 * - provisioning: the server binary and image, warm (cached); cold only with `--cold`;
 * - the full matrix: set-up, each server's start to SERVING, per-cell latency by family and stack;
 * - the SDK with its default settings on the same negative cases (client stack): how long until
 *   the application would see a failure, against the harness's verdict for the same case.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { SCENARIOS, SERVERS } from '../../scenarios';
import { ensureServerBinary } from '../env/server-binary';
import { ensureServerImage } from '../env/server-image';
import { configureTestcontainers } from '../env/engine-host';
import { runMatrixReport } from '../library/matrix';
import { credentialsNeeded, serversFor, setUpMatrixEnvironment } from '../matrix/environment';
import { connectionUnderTest } from '../matrix/materialize';
import type { CellResult } from '../matrix/results';
import { runLimited } from '../matrix/runner';
import type { Scenario } from '../matrix/scenario';
import { writeHarnessPki } from '../pki/harness-pki';
import { mintCertificate } from '../pki/mint';
import { GREETING_NAME } from '../stacks/cell';

/** How long the SDK-default attempt may take before it is recorded as "at least this long". */
export const SDK_DEFAULT_CAP_MS = 30_000;

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
 * Each negative client case as an application with the SDK's defaults meets it: Connection.connect
 * with its default connect timeout (10 s) and retry interceptor, then the workflow started and
 * awaited on a task queue (for the cases that connect). Scenarios that need a process environment
 * of their own or a proxy are left out: this runs in the bench's process and starts no proxies.
 */
async function sdkDefaults(cells: CellResult[]): Promise<SdkDefaultCase[]> {
  const negative = cells.filter((cell) => cell.stack === 'client' && cell.expected === 'fail' && cell.passed);
  const scenarios = negative
    .map((cell) => SCENARIOS.find((scenario) => scenario.name === cell.scenario)!)
    .filter(
      (scenario) =>
        !scenario.client.environment &&
        !scenario.client.proxy &&
        scenario.family !== 'intermediary' &&
        scenario.client.address !== 'no-port' &&
        !scenario.fault, // a fault is done by the runner around the cell; without it the case is another one
    );
  const environment = await setUpMatrixEnvironment(serversFor(scenarios, SERVERS), {
    certsRoot: os.tmpdir(),
    onDemand: credentialsNeeded(scenarios, SERVERS),
  });
  try {
    return await runLimited(
      scenarios.map((scenario) => async () => {
        const harnessMs = negative.find((cell) => cell.scenario === scenario.name)!.ms;
        const endpoint = environment.description.endpoints[scenario.server];
        const places = {
          server: endpoint.address,
          httpApi: endpoint.httpAddress,
          tlsProxy: () => Promise.reject(new Error('the bench starts no proxies')),
        };
        const { target } = await connectionUnderTest(scenario.client, places, environment.pki, false, endpoint.authorization);
        const { ms, capped, error } = await sdkDefaultAttempt(scenario, target);
        return {
          scenario: scenario.name,
          expected: String(scenario.expect.client),
          harnessMs,
          sdkDefaultMs: ms,
          capped,
          ratio: Math.round((ms / Math.max(harnessMs, 1)) * 10) / 10,
          sdkError: error.split('\n')[0].slice(0, 120),
        };
      }),
      6,
    );
  } finally {
    await environment.stop();
  }
}

async function sdkDefaultAttempt(
  scenario: Scenario,
  target: Awaited<ReturnType<typeof connectionUnderTest>>['target'],
): Promise<{ ms: number; capped: boolean; error: string }> {
  const begin = performance.now();
  let connection: Connection | undefined;
  // Aborted at the cap and settled before the connection closes: a call left in flight would
  // outlive its channel, and the retry interceptor's timer would then crash the process.
  const inFlight = new AbortController();
  const attempt = (async () => {
    connection = await Connection.connect({
      address: target.address,
      ...(target.tls === undefined ? {} : { tls: target.tls }),
      ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
    });
    const client = new Client({ connection, ...(target.namespace === undefined ? {} : { namespace: target.namespace }) });
    await connection.withAbortSignal(inFlight.signal, () =>
      client.workflow.execute('greetingWorkflow', {
        taskQueue: `bench-${scenario.name}`,
        workflowId: `bench-${scenario.name}-${Date.now()}`,
        args: [GREETING_NAME],
      }),
    );
    return 'the workflow completed';
  })();
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<'capped'>((resolve) => (timer = setTimeout(() => resolve('capped'), SDK_DEFAULT_CAP_MS)));
  const outcome = await Promise.race([attempt.catch((error: Error) => `${error.name}: ${error.message}`), cap]);
  clearTimeout(timer);
  const ms = Math.round(performance.now() - begin);
  inFlight.abort();
  await attempt.catch(() => undefined);
  await connection?.close().catch(() => undefined);
  return outcome === 'capped' ? { ms, capped: true, error: 'no failure yet' } : { ms, capped: false, error: outcome };
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
