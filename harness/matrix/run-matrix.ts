/**
 * A whole matrix run: set up the environment, run every cell (concurrently, within a limit),
 * and assemble the report. The CLI's `matrix` command is this plus output.
 */
import { onCleanup } from '../cleanup';
export { installQuietRuntime } from '../stacks/runtime';
import { log } from '../log';
import { serverVersion } from '../env/server-binary';
import { markMatrixRun, matrixRunsNow, shareOf } from '../env/shared-machine';
import { CELL_LIMITS, CellRunner, scenarioResults } from './runner';
import { credentialsNeeded, EnvironmentOptions, MATRIX_NAMESPACES, softwareNeeded, serversFor, setUpMatrixEnvironment } from './environment';
import { STACKS, type Stack } from '../model/stack';
import { summaryOf, type CellResult, type MatrixReport } from './results';
import type { Scenario, ServerSpec } from './scenario';
import type { ServerEndpoint } from '../server/endpoint';
import { ownVersions } from '../versions/ranges';
import type { Variant } from '../versions/variants';

export interface MatrixRunOptions extends EnvironmentOptions {
  /** Cells in flight at once. */
  concurrency?: number;
  onCell?: (cell: CellResult, done: number, total: number) => void;
  /** Scenarios left out, with the reason, for the report. */
  notApplied?: { scenario: string; reason: string }[];
  /** The releases to run the stacks under test on (see versions/variants.ts); default: the harness's own. */
  variants?: Variant[];
}

/**
 * Scenarios that dial the default port need their server on it; when another process holds the
 * port, they cannot run here, and the report says so instead of dialling whatever listens there.
 */
export function splitByDefaultPort(
  scenarios: Scenario[],
  servers: Record<string, ServerSpec>,
  endpoints: Record<string, ServerEndpoint>,
) {
  const onItsPort = (name: string) => endpoints[name]?.address.endsWith(`:${servers[name].hostPort}`);
  const needsPort = (scenario: Scenario) => scenario.client.address === 'no-port' && !onItsPort(scenario.server);
  return {
    runnable: scenarios.filter((scenario) => !needsPort(scenario)),
    portTaken: scenarios.filter(needsPort).map((scenario) => ({
      scenario: scenario.name,
      reason: `dials the default port ${servers[scenario.server].hostPort}, which another process holds on this machine`,
    })),
  };
}

/**
 * The order cells ask for their slots: every cell at once, but the runner's per-stack slots decide
 * how many are in flight, first come first served. Fault cells queue first: they take turns on
 * their servers (28 s for the family alone), so started last they would be the run's tail; waiting
 * for their turn, they hold no slot. Then held cells, the longest hold first: a held cell gives its
 * slot back once it only waits, and one of 150 s started last would end the run 150 s later.
 */
export function cellOrder(scenarios: Scenario[]): Scenario[] {
  const held = (scenario: Scenario) => scenario.hold?.seconds ?? 0;
  return [...scenarios.filter((scenario) => scenario.fault), ...scenarios.filter((scenario) => !scenario.fault).sort((a, b) => held(b) - held(a))];
}

/**
 * Cells in flight at once, per stack: `concurrency` as given, else the defaults shared with the
 * other matrix runs on this machine (counted once they are all set up).
 */
function cellLimits(concurrency: number | undefined): Record<Stack, number> {
  const runs = concurrency === undefined ? matrixRunsNow() : 1;
  const limits = {
    client: concurrency ?? shareOf(CELL_LIMITS.client, runs),
    worker: shareOf(CELL_LIMITS.worker, runs),
  };
  if (runs > 1) log(`${runs - 1} other matrix run(s) on this machine: ${limits.client} client and ${limits.worker} worker cell(s) at a time`);
  return limits;
}

export async function runMatrix(
  selected: Scenario[],
  servers: Record<string, ServerSpec>,
  options: MatrixRunOptions,
): Promise<MatrixReport> {
  const startedAt = new Date();
  // Marked before the set-up, so that a run started beside this one sees it by the time it counts.
  const unmark = markMatrixRun();
  const forgetMark = onCleanup(async () => unmark()); // a signal during the set-up
  const environment = await setUpMatrixEnvironment(serversFor(selected, servers), {
    software: softwareNeeded(selected),
    ...options,
    onDemand: credentialsNeeded(selected, servers),
  }).catch((error: unknown) => {
    forgetMark();
    unmark();
    throw error;
  });
  const { runnable: scenarios, portTaken } = splitByDefaultPort(selected, servers, environment.description.endpoints);
  const variants = options.variants ?? [];
  const runs = variants.length > 0 ? variants : [undefined];
  const runner = new CellRunner(environment.description.endpoints, environment.pki, environment.description.workflowBundlePath, {
    limits: cellLimits(options.concurrency),
  });
  // Once: a signal's cleanup and the run's own finally both call it, and the SDK's connections
  // throw when closed twice ("Client already closed", printed after a Ctrl-C).
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await runner.close();
      } finally {
        await environment.stop();
        unmark();
      }
    })());
  const forget = onCleanup(stop);
  try {
    await runner.warmUp(scenarios, MATRIX_NAMESPACES, runs);
    const setupMs = Date.now() - startedAt.getTime();
    const cellsStarted = Date.now();
    const total = scenarios.length * STACKS.length * runs.length;
    log(`running ${total} cells`);
    let done = 0;
    const report = (cell: CellResult) => {
      options.onCell?.(cell, ++done, total);
      return cell;
    };
    const inOrder = cellOrder(scenarios);
    const cells = await Promise.all(
      STACKS.flatMap((stack) => runs.flatMap((variant) => inOrder.map((scenario) => runner.run(scenario, stack, variant).then(report)))),
    );
    const wallMs = Date.now() - cellsStarted;
    const results = scenarioResults(scenarios, cells);
    return {
      startedAt: startedAt.toISOString(),
      serverVersion: process.env.TLS_HARNESS_SERVER_IMAGE ?? serverVersion(),
      sdkVersion: ownVersions().sdk,
      variants: variants.length > 0 ? variants.map(({ sdk, node }) => ({ sdk, node })) : [ownVersions()],
      scenarios: results,
      notApplied: [...(options.notApplied ?? []), ...portTaken],
      summary: summaryOf(results, wallMs, setupMs),
      timings: environment.timings,
    };
  } finally {
    forget();
    forgetMark();
    await stop();
  }
}
