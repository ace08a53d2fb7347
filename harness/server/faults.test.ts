/**
 * Faults on a real server's container when Docker is not as the fault expects: the host port was
 * taken while the server was stopped (a restart must wait for it, not leave the server down), and
 * a container that no longer runs (the error must say so, with how it ended).
 */
import net from 'node:net';
import { getContainerRuntimeClient } from 'testcontainers';
import { libraryContainers } from '../e2e/containers-of';
import { StartedTemporalTlsContainer, TemporalTlsContainer } from '../library/container';
import type { HarnessPkiFiles } from '../pki/harness-pki';
import type { ServerEndpoint } from './endpoint';
import { applyFault } from './faults';
import { freePortsBelowEphemeralRange } from './host-ports';

jest.setTimeout(180_000);

let server: StartedTemporalTlsContainer;
let endpoint: ServerEndpoint;
/** No fault below puts a certificate in place. */
const pki = {} as HarnessPkiFiles;

beforeAll(async () => {
  const [port] = await freePortsBelowEphemeralRange(1);
  server = await new TemporalTlsContainer().withMode('plain').withHostPort(port).start();
  const [containerId] = libraryContainers();
  endpoint = { name: 'faulted', mode: 'plain', address: server.getAddress(), internal: undefined!, containerId };
});
afterAll(() => server?.stop());

const container = async () => (await getContainerRuntimeClient()).container.dockerode.getContainer(endpoint.containerId!);

/** Something listening on the server's host port until `release()`. */
async function takePort(port: number): Promise<{ release: () => Promise<void> }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen({ port, host: '0.0.0.0' }, resolve));
  return { release: () => new Promise((resolve) => blocker.close(() => resolve())) };
}

test('a restart whose host port was taken meanwhile starts the server once the port is free', async () => {
  await (await container()).stop();
  const taken = await takePort(server.getPort());
  const order: string[] = [];
  const released = new Promise((resolve) => setTimeout(resolve, 2000))
    .then(taken.release)
    .then(() => order.push('port released'));
  await applyFault('restart', endpoint, pki);
  order.push('serving again');
  await released;
  expect(order).toEqual(['port released', 'serving again']);
  const { State } = await (await container()).inspect();
  expect(State.Running).toBe(true);
  expect(State.Error).toBe('');
});

test('a fault on a container that no longer runs says so, with how it ended', async () => {
  await (await container()).stop();
  await expect(applyFault('pause', endpoint, pki)).rejects.toThrow(/is not running\s+\(the container is exited since \S+: exit code \d+/);
});
