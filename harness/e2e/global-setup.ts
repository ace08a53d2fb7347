/**
 * Jest global set-up: provision the machine, mint the PKI and start every server the scenarios
 * need, once. Test files run in other processes, so they get the environment's description
 * through process.env; the live handles stay here for the teardown.
 */
import { SCENARIOS, SERVERS } from '../../scenarios';
import { credentialsNeeded, needsProxySoftware, serversFor, setUpMatrixEnvironment, type MatrixEnvironment } from '../matrix/environment';
import { log } from '../log';
import buildDist from './build-dist';

export const ENVIRONMENT_VARIABLE = 'TLS_HARNESS_E2E_ENVIRONMENT';

export default async function globalSetup(): Promise<void> {
  buildDist();
  const environment = await setUpMatrixEnvironment(serversFor(SCENARIOS, SERVERS), {
    certsRoot: 'certs',
    proxySoftware: needsProxySoftware(SCENARIOS),
    onDemand: credentialsNeeded(SCENARIOS, SERVERS),
  });
  (globalThis as { harnessEnvironment?: MatrixEnvironment }).harnessEnvironment = environment;
  process.env[ENVIRONMENT_VARIABLE] = JSON.stringify(environment.description);
  log(`set-up timings (ms): ${JSON.stringify(environment.timings)}`);
}
