/** The runner's own verdicts: a fault that cannot be done, a detail other than the scenario's. */
import { SCENARIOS } from '../../scenarios';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import type { ServerEndpoint } from '../server/endpoint';
import { strayBytesOf } from '../auth/stray-bytes';
import { CellRunner, judge } from './runner';

test('a fault that cannot be done fails its cell with why, instead of ending the run', async () => {
  const paused = SCENARIOS.find((scenario) => scenario.name === 'server-paused')!;
  // No container to pause: applyFault refuses before any connection is made.
  const endpoint = { name: paused.server, mode: 'tls', address: '127.0.0.1:1', internal: undefined! } satisfies ServerEndpoint;
  const runner = new CellRunner({ [paused.server]: endpoint }, {} as HarnessPkiFiles, '');
  const cell = await runner.run(paused, 'client');
  expect(cell).toMatchObject({
    scenario: 'server-paused',
    stack: 'client',
    passed: false,
    diagnosis: 'UNCLASSIFIED',
    detail: 'the pause of server tls-paused could not be done or undone: server tls-paused has no container to do "pause" to',
  });
});

test("a cell whose detail lacks the scenario's words has not passed, though its cause is the expected one", async () => {
  const trailingNewline = SCENARIOS.find((scenario) => scenario.name === 'api-key-trailing-newline')!;
  const refusedLocally = { error: new Error('Metadata string value "Bearer [token redacted]\n" contains illegal characters') };
  const sentWithout = { error: new Error('Namespace default was not found or otherwise could not be described: Status { code: PermissionDenied, message: "Request unauthorized." }') };
  const context = (stack: 'client' | 'worker') => ({ stack, clientTls: true, apiKey: { facts: null, namespace: 'default', stray: strayBytesOf('key\n')! } });
  const judged = (stack: 'client' | 'worker', attempt: { error: Error }) => judge(trailingNewline, stack, attempt, context(stack), 1, async () => ({}));

  expect(await judged('client', refusedLocally)).toMatchObject({ diagnosis: 'API_KEY_STRAY_BYTES', passed: true });
  expect(await judged('worker', sentWithout)).toMatchObject({ diagnosis: 'API_KEY_STRAY_BYTES', passed: true });
  // The same cause, arisen elsewhere than the scenario says.
  expect(await judged('client', sentWithout)).toMatchObject({ diagnosis: 'API_KEY_STRAY_BYTES', passed: false });
});
