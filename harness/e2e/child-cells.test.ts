/**
 * A cell in a child process observes what the same cell in process does: same outcome, same
 * cause, same error and probe texts, for successes, TLS failures, configuration errors and
 * failures that arrive through the harness's side (the workflow task the worker fails).
 */
import { SCENARIOS } from '../../scenarios';
import { pkiOf, type EnvironmentDescription } from '../matrix/environment';
import { STACKS } from '../model/stack';
import { installQuietRuntime } from '../matrix/run-matrix';
import { CellRunner } from '../matrix/runner';
import { ENVIRONMENT_VARIABLE } from './global-setup';

const description: EnvironmentDescription = JSON.parse(process.env[ENVIRONMENT_VARIABLE] ?? 'null');
installQuietRuntime();
const inProcess = new CellRunner(description.endpoints, pkiOf(description), description.workflowBundlePath);
const inChild = new CellRunner(description.endpoints, pkiOf(description), description.workflowBundlePath, { child: {} });

afterAll(() => Promise.all([inProcess.close(), inChild.close()]));

const NAMES = ['mtls', 'expired', 'codec-missing', 'key-bom', 'codec-on-both-sides'];
const cells = SCENARIOS.filter((scenario) => NAMES.includes(scenario.name)).flatMap((scenario) =>
  STACKS.map((stack) => [scenario.name, stack, scenario] as const),
);

test.each(cells)('%s [%s] in a child process reads as in process', async (_name, stack, scenario) => {
  const [here, there] = [await inProcess.run(scenario, stack), await inChild.run(scenario, stack)];
  // Texts may carry the clock (rustls prints UnixTime(...)); everything else must be identical.
  const timeless = (text: string | null) => text?.replace(/UnixTime\(\d+\)/g, 'UnixTime(…)') ?? null;
  const observed = ({ diagnosis, error, cause, passed }: typeof here) => ({ diagnosis, error: timeless(error), cause: timeless(cause), passed });
  expect(observed(there)).toEqual(observed(here));
  expect(here.passed).toBe(true);
});
