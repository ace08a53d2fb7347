/** Which scenarios get a harness worker at warm-up: those whose client cell may start a workflow. */
import { SCENARIOS } from '../../scenarios';
import { clientMayRunWorkflow } from './runner';

const named = (name: string) => SCENARIOS.find((scenario) => scenario.name === name)!;

test('a client cell expected to pass, on any release, may run its workflow', () => {
  expect(clientMayRunWorkflow(named('tls'))).toBe(true);
  // KEY_TOO_SMALL on Node 24 only: still ok on Node 20 and 22.
  expect(clientMayRunWorkflow(named('server-rsa1024'))).toBe(true);
});

test('failures that come after the workflow started: a codec, a server that lets the wrong client in, a fault', () => {
  expect(clientMayRunWorkflow(named('codec-missing'))).toBe(true);
  expect(clientMayRunWorkflow(named('mtls-not-enforced-no-cert'))).toBe(true);
  expect(clientMayRunWorkflow(named('server-cert-replaced-untrusted-ca'))).toBe(true);
});

test('a client cell refused at connect never needs the worker', () => {
  expect(clientMayRunWorkflow(named('expired'))).toBe(false);
  expect(clientMayRunWorkflow(named('no-client-cert'))).toBe(false);
});
