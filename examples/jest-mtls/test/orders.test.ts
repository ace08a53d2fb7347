/**
 * The shop's workflow against a real Temporal server with mutual TLS, through a real worker
 * (@temporalio/worker) and a real client (@temporalio/client): once on the server jest's global
 * set-up started, once on one this file starts itself, there through @temporalio/testing.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { TemporalTlsContainer } from 'temporal-tls-harness';
import { temporalServer } from 'temporal-tls-harness/jest';
import * as activities from '../src/activities';

// Only the SDK's warnings: its INFO lines (bundle built, worker state) would drown the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

const ORDER = [
  { sku: 'apple', quantity: 3 },
  { sku: 'pear', quantity: 2 },
];

/** Create a worker of the shop on `connection`, and place an order through `client` while it runs. */
async function placeOrder(client: Client, connection: NativeConnection, namespace: string): Promise<string> {
  const taskQueue = `orders-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('../src/workflows'),
    activities,
  });
  return worker.runUntil(client.workflow.execute('placeOrder', { taskQueue, workflowId: taskQueue, args: ['A-17', ORDER] }));
}

test('an order is placed on the mTLS server of the global set-up', async () => {
  const server = temporalServer('secure');
  expect(server.mode).toBe('mtls');
  const connection = await Connection.connect(server.connectionOptions());
  const native = await NativeConnection.connect(server.nativeConnectionOptions());
  try {
    const client = new Client({ connection, namespace: server.namespace });
    await expect(placeOrder(client, native, server.namespace)).resolves.toBe('order A-17 confirmed: 180 cents');
  } finally {
    await Promise.all([connection.close(), native.close()]);
  }
});

test('without its client certificate the same client is refused', async () => {
  const server = temporalServer('secure');
  const { tls } = server.connectionOptions();
  if (!tls || tls === true) throw new Error('expected TLS options');
  const { clientCertPair: _left, ...withoutCertificate } = tls;
  await expect(Connection.connect({ address: server.address, tls: withoutCertificate, connectTimeout: 3000 })).rejects.toThrow();
});

test('an order is placed through a TestWorkflowEnvironment on a server of this file', async () => {
  await using server = await new TemporalTlsContainer().withMode('mtls').withNamespaces('orders').start();
  const env = await server.createTestWorkflowEnvironment();
  try {
    await expect(placeOrder(env.client, env.nativeConnection, server.getNamespace())).resolves.toBe('order A-17 confirmed: 180 cents');
  } finally {
    await env.teardown();
  }
});
