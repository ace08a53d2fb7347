/** A fault cell whose fault cannot be done fails by itself; the run it is part of goes on. */
import { SCENARIOS } from '../../scenarios';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import type { ServerEndpoint } from '../server/endpoint';
import { CellRunner } from './runner';

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
