/**
 * The matrix as a test suite: every scenario, through both stacks, against the real servers
 * started by the global set-up. One test per cell; a cell whose outcome or diagnosis differs
 * from its scenario's expectation fails with the raw error beside it.
 */
import { SCENARIOS, SERVERS } from '../../scenarios';
import { MATRIX_NAMESPACES, pkiOf, type EnvironmentDescription } from '../matrix/environment';
import { STACKS, type Stack } from '../model/stack';
import type { CellResult } from '../matrix/results';
import type { Scenario } from '../matrix/scenario';
import { cellOrder, installQuietRuntime, splitByDefaultPort } from '../matrix/run-matrix';
import { CellRunner } from '../matrix/runner';
import { ENVIRONMENT_VARIABLE } from './global-setup';
import { expectationFor, ownVersions } from '../versions/ranges';

/** `scenarios`: those the run's `-t` pattern selects, whose servers the global set-up started. */
const description: EnvironmentDescription & { scenarios: string[] } = JSON.parse(process.env[ENVIRONMENT_VARIABLE] ?? 'null');
installQuietRuntime();
const runner = new CellRunner(description.endpoints, pkiOf(description), description.workflowBundlePath);
const { portTaken } = splitByDefaultPort(SCENARIOS, SERVERS, description.endpoints);

/**
 * Held cells (family lifetime) take up to minutes, mostly waiting. They start as soon as the
 * harness is warm, beside the other families' cells, and their tests await them: run from their
 * own tests, jest's concurrency limit would run six at a time, one after the other.
 */
const started = new Map<string, Promise<CellResult>>();
const cellOf = (scenario: Scenario, stack: Stack) => {
  const key = `${scenario.name}|${stack}`;
  if (!started.has(key)) started.set(key, runner.run(scenario, stack));
  return started.get(key)!;
};
const selected = SCENARIOS.filter(({ name }) => description.scenarios.includes(name));

// As the CLI does: the harness's own workers and clients start before any cell, so no cell's time includes them.
beforeAll(async () => {
  await runner.warmUp(selected, MATRIX_NAMESPACES);
  for (const scenario of cellOrder(selected.filter(({ hold }) => hold))) for (const stack of STACKS) void cellOf(scenario, stack);
});
afterAll(() => runner.close());

/** A test's deadline: a held cell's hold and the wait for its turn, beside the 60 s of any other cell. */
const LONGEST_HOLD_S = Math.max(0, ...SCENARIOS.map(({ hold }) => hold?.seconds ?? 0));
const timeoutOf = (family: string) => (SCENARIOS.some((scenario) => scenario.family === family && scenario.hold) ? (2 * LONGEST_HOLD_S + 120) * 1000 : undefined);

const families = [...new Set(SCENARIOS.map((scenario) => scenario.family))];

describe.each(families)('%s', (family) => {
  const cells = SCENARIOS.filter((scenario) => scenario.family === family).flatMap((scenario) =>
    STACKS.map((stack) => [scenario.name, stack, scenario] as const),
  );

  test.concurrent.each(cells)('%s [%s]', async (name, stack, scenario) => {
    const blocked = portTaken.find((entry) => entry.scenario === name);
    if (blocked) throw new Error(`${name} cannot run: it ${blocked.reason}`);
    const cell = await cellOf(scenario, stack);
    const expected = expectationFor(scenario.expect[stack], ownVersions());
    // The whole observation is compared, so a failure shows what happened and why; `passed` also
    // holds the runner's own checks, such as a fault cell's run once the fault is undone (in `detail`).
    expect({ outcome: cell.diagnosis ?? 'ok', findings: [...cell.findings].sort(), passed: cell.passed, detail: cell.detail, error: cell.error, cause: cell.cause }).toEqual({
      outcome: expected,
      findings: [...(scenario.findings?.[stack] ?? [])].sort(),
      passed: true,
      detail: cell.detail,
      error: cell.error,
      cause: cell.cause,
    });
  }, timeoutOf(family));
});
