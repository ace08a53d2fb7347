/**
 * A whole matrix run: set up the environment, run every cell (concurrently, within a limit),
 * and assemble the report. The CLI's `matrix` command is this plus output.
 */
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { onCleanup } from '../cleanup';
import { serverVersion } from '../env/server-binary';
import { CellRunner, runLimited, scenarioResults } from './runner';
import { EnvironmentOptions, serversFor, setUpMatrixEnvironment } from './environment';
import type { CellResult, MatrixReport } from './results';
import { STACKS } from './results';
import type { Scenario, ServerSpec } from './scenario';

export interface MatrixRunOptions extends EnvironmentOptions {
  /** Cells in flight at once. */
  concurrency?: number;
  onCell?: (cell: CellResult, done: number, total: number) => void;
}

export const DEFAULT_CONCURRENCY = 6;

/** Quiet the SDK's own logging (the harness reports errors itself) and keep its signal handlers out of the way. */
export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: 'ERROR', forward: {} } },
  });
}

export async function runMatrix(
  scenarios: Scenario[],
  servers: Record<string, ServerSpec>,
  options: MatrixRunOptions,
): Promise<MatrixReport> {
  const startedAt = new Date();
  const environment = await setUpMatrixEnvironment(serversFor(scenarios, servers), options);
  const runner = new CellRunner(environment.description.endpoints, environment.pki, environment.description.workflowBundlePath);
  const stop = async () => {
    await runner.close();
    await environment.stop();
  };
  const forget = onCleanup(stop);
  try {
    const setupMs = Date.now() - startedAt.getTime();
    const cellsStarted = Date.now();
    const tasks = scenarios.flatMap((scenario) => STACKS.map((stack) => () => runner.run(scenario, stack)));
    let done = 0;
    const cells = await runLimited(tasks, options.concurrency ?? DEFAULT_CONCURRENCY, (cell) =>
      options.onCell?.(cell, ++done, tasks.length),
    );
    const wallMs = Date.now() - cellsStarted;
    const results = scenarioResults(scenarios, cells);
    const passed = cells.filter((cell) => cell.passed).length;
    return {
      startedAt: startedAt.toISOString(),
      serverVersion: process.env.TLS_HARNESS_SERVER_IMAGE ?? serverVersion(),
      sdkVersion: require('@temporalio/client/package.json').version,
      scenarios: results,
      notApplied: [],
      summary: {
        cells: cells.length,
        passed,
        failed: cells.length - passed,
        divergences: results.filter((result) => result.divergence).length,
        wallMs,
        cellsPerSecond: Math.round((cells.length / (wallMs / 1000)) * 10) / 10,
        setupMs,
      },
      timings: environment.timings,
    };
  } finally {
    forget();
    await stop();
  }
}
