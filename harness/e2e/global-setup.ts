/**
 * Jest global set-up: provision the machine, mint the PKI and start the servers the selected
 * scenarios need, once. Test files run in other processes, so they get the environment's
 * description through process.env; the live handles stay here for the teardown.
 */
import { SCENARIOS, SERVERS } from '../../scenarios';
import { credentialsNeeded, softwareNeeded, serversFor, setUpMatrixEnvironment, type MatrixEnvironment } from '../matrix/environment';
import { log } from '../log';
import buildDist from './build-dist';
import { scenariosSelectedBy } from '../matrix/selection';

export const ENVIRONMENT_VARIABLE = 'TLS_HARNESS_E2E_ENVIRONMENT';

export default async function globalSetup(globalConfig?: { testNamePattern?: string }): Promise<void> {
  buildDist();
  const scenarios = scenariosSelectedBy(SCENARIOS, globalConfig?.testNamePattern);
  const environment = await setUpMatrixEnvironment(serversFor(scenarios, SERVERS), {
    certsRoot: 'certs',
    software: softwareNeeded(scenarios),
    onDemand: credentialsNeeded(scenarios, SERVERS),
  });
  (globalThis as { harnessEnvironment?: MatrixEnvironment }).harnessEnvironment = environment;
  process.env[ENVIRONMENT_VARIABLE] = JSON.stringify({ ...environment.description, scenarios: scenarios.map(({ name }) => name) });
  log(`set-up timings (ms): ${JSON.stringify(environment.timings)}`);
}
