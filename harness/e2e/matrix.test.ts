/**
 * The matrix as a test suite: every scenario, through both stacks, against the real servers
 * started by the global set-up. One test per cell; a cell whose outcome or diagnosis differs
 * from its scenario's expectation fails with the raw error beside it.
 */
import { SCENARIOS, SERVERS } from '../../scenarios';
import { MATRIX_NAMESPACES, pkiOf, type EnvironmentDescription } from '../matrix/environment';
import { STACKS } from '../model/stack';
import { installQuietRuntime, splitByDefaultPort } from '../matrix/run-matrix';
import { CellRunner } from '../matrix/runner';
import { ENVIRONMENT_VARIABLE } from './global-setup';
import { expectationFor, ownVersions } from '../versions/ranges';

/** `scenarios`: those the run's `-t` pattern selects, whose servers the global set-up started. */
const description: EnvironmentDescription & { scenarios: string[] } = JSON.parse(process.env[ENVIRONMENT_VARIABLE] ?? 'null');
installQuietRuntime();
const runner = new CellRunner(description.endpoints, pkiOf(description), description.workflowBundlePath);
const { portTaken } = splitByDefaultPort(SCENARIOS, SERVERS, description.endpoints);

// As the CLI does: the harness's own workers and clients start before any cell, so no cell's time includes them.
beforeAll(() => runner.warmUp(SCENARIOS.filter(({ name }) => description.scenarios.includes(name)), MATRIX_NAMESPACES));
afterAll(() => runner.close());

const families = [...new Set(SCENARIOS.map((scenario) => scenario.family))];

describe.each(families)('%s', (family) => {
  const cells = SCENARIOS.filter((scenario) => scenario.family === family).flatMap((scenario) =>
    STACKS.map((stack) => [scenario.name, stack, scenario] as const),
  );

  test.concurrent.each(cells)('%s [%s]', async (name, stack, scenario) => {
    const blocked = portTaken.find((entry) => entry.scenario === name);
    if (blocked) throw new Error(`${name} cannot run: it ${blocked.reason}`);
    const cell = await runner.run(scenario, stack);
    const expected = expectationFor(scenario.expect[stack], ownVersions());
    // The whole observation is compared, so a failure shows what happened and why; `passed` also
    // holds the runner's own checks, such as a fault cell's run once the fault is undone (in `detail`).
    expect({ outcome: cell.diagnosis ?? 'ok', passed: cell.passed, detail: cell.detail, error: cell.error, cause: cell.cause }).toEqual({
      outcome: expected,
      passed: true,
      detail: cell.detail,
      error: cell.error,
      cause: cell.cause,
    });
  });
});
