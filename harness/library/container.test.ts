/**
 * The library's TemporalTlsContainer against the real server: an mTLS server started with the
 * builder runs a real workflow through both SDK stacks, from its connection options, from its
 * environment variables and through @temporalio/testing; misuse is one sentence of a named error
 * class and leaves no container and no folder behind.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, Worker } from '@temporalio/worker';
import { libraryContainers } from '../e2e/containers-of';
import { installQuietRuntime } from '../matrix/run-matrix';
import { mintPki } from './pki';
import * as activities from '../stacks/activities';
import { ensureWorkflowBundle } from '../stacks/bundle';
import { StartedTemporalTlsContainer, TemporalTlsContainer, TemporalTlsContainerError } from './container';

jest.setTimeout(120_000);
installQuietRuntime();

/** Containers this test process started through the library. */
const ownContainers = libraryContainers;

/** Runs the harness's workflow (which calls an activity) on a worker of `connection`, started through `client`. */
async function runWorkflow(client: Client, connection: NativeConnection, namespace: string): Promise<string> {
  const taskQueue = `library-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { codePath: await ensureWorkflowBundle() },
    activities,
  });
  return worker.runUntil(client.workflow.execute('greetingWorkflow', { taskQueue, workflowId: taskQueue, args: ['library'] }));
}

/** The workflow through a client and a worker connected with nothing but the server's options. */
async function runWorkflowWithOptionsOf(server: StartedTemporalTlsContainer): Promise<string> {
  const connection = await Connection.connect(server.getConnectionOptions());
  const native = await NativeConnection.connect(server.getNativeConnectionOptions());
  try {
    return await runWorkflow(new Client({ connection, namespace: server.getNamespace() }), native, server.getNamespace());
  } finally {
    await Promise.all([connection.close(), native.close()]);
  }
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'library-container-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('an mTLS server from the builder: both stacks, the environment variables, a test environment; stop removes everything', async () => {
  const certsDir = path.join(tmp, 'mtls');
  const server = await new TemporalTlsContainer().withMode('mtls').withNamespaces('orders', 'default').withCertsDir(certsDir).start();
  try {
    expect(server.getNamespace()).toBe('orders');
    expect(server.getAddress()).toBe(`localhost:${server.getPort()}`);

    await expect(runWorkflowWithOptionsOf(server)).resolves.toBe('Hello, library!');

    // An application configured from nothing but the environment: envconfig's variables...
    const env = server.getClientEnv();
    const files = server.getCertificateFiles();
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: server.getAddress(),
      TEMPORAL_NAMESPACE: 'orders',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
      // ...and the samples' names for the same files.
      TEMPORAL_SERVER_ROOT_CA_CERT_PATH: files.ca,
      TEMPORAL_CLIENT_CERT_PATH: files.cert,
      TEMPORAL_CLIENT_KEY_PATH: files.key,
      TEMPORAL_CONFIG_FILE: server.getProfilePath(),
    });
    const fromEnv = loadClientConnectConfig({ overrideEnvVars: env });
    const envConnection = await Connection.connect(fromEnv.connectionOptions);
    try {
      await envConnection.workflowService.describeNamespace({ namespace: fromEnv.namespace });
    } finally {
      await envConnection.close();
    }

    const testEnv = await server.createTestWorkflowEnvironment();
    try {
      expect(testEnv.namespace).toBe('orders');
      await expect(runWorkflow(testEnv.client, testEnv.nativeConnection, 'orders')).resolves.toBe('Hello, library!');
    } finally {
      await testEnv.teardown();
    }
  } finally {
    await server.stop();
  }
  expect(ownContainers()).toEqual([]);
  expect(existsSync(certsDir)).toBe(false);
  await server.stop(); // a second stop is harmless
});

test('await using stops the server at the end of the block', async () => {
  const certsDir = path.join(tmp, 'using');
  {
    await using server = await new TemporalTlsContainer().withMode('plain').withCertsDir(certsDir).start();
    const connection = await Connection.connect(server.getConnectionOptions());
    await connection.workflowService.describeNamespace({ namespace: server.getNamespace() });
    await connection.close();
    expect(ownContainers()).toHaveLength(1);
  }
  expect(ownContainers()).toEqual([]);
  expect(existsSync(certsDir)).toBe(false);
});

test('withApiKeys: the handed-out options carry a token the server accepts; without one it refuses', async () => {
  const certsDir = path.join(tmp, 'api-keys');
  await using server = await new TemporalTlsContainer().withMode('mtls').withApiKeys().withCertsDir(certsDir).start();
  expect(server.getClientEnv().TEMPORAL_API_KEY).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);

  await expect(runWorkflowWithOptionsOf(server)).resolves.toBe('Hello, library!');

  const { apiKey: _omitted, ...withoutKey } = server.getConnectionOptions();
  const anonymous = await Connection.connect(withoutKey);
  const readOnly = await Connection.connect({ ...withoutKey, apiKey: await server.mintApiKey({ role: 'read' }) });
  try {
    const start = (connection: Connection) =>
      new Client({ connection, namespace: server.getNamespace() }).workflow.start('greetingWorkflow', {
        taskQueue: 'nobody-polls',
        workflowId: `refused-${randomUUID()}`,
        args: ['x'],
      });
    const refusal = (connection: Connection) => start(connection).then(() => 'started', (error) => `${error.cause?.code}: ${error.cause?.details}`);
    expect(await refusal(anonymous)).toBe('7: Request unauthorized.');
    expect(await refusal(readOnly)).toBe('7: Request unauthorized.');
  } finally {
    await Promise.all([anonymous.close(), readOnly.close()]);
  }

  const testEnv = await server.createTestWorkflowEnvironment();
  try {
    await expect(runWorkflow(testEnv.client, testEnv.nativeConnection, server.getNamespace())).resolves.toBe('Hello, library!');
  } finally {
    await testEnv.teardown();
  }
});

describe('misuse: a TemporalTlsContainerError, one sentence, nothing left behind', () => {
  const expectMisuse = (error: unknown, message: RegExp) => {
    expect(error).toBeInstanceOf(TemporalTlsContainerError);
    expect((error as Error).name).toBe('TemporalTlsContainerError');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  };
  const caught = async (work: () => unknown): Promise<unknown> => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };

  test('withCertificates without a key', async () => {
    const pki = await mintPki(path.join(tmp, 'no-key'));
    const error = await caught(() => new TemporalTlsContainer().withCertificates({ serverCert: pki.server.cert, ca: pki.ca.cert } as never));
    expectMisuse(error, /^withCertificates\(\) needs serverCert, serverKey and ca together: serverKey missing/);
    await pki.remove();
  });

  test('a key that is not the certificate\'s, and mtls without client CAs, fail before anything starts', async () => {
    const pki = await mintPki(path.join(tmp, 'own'));
    const certsDir = path.join(tmp, 'own-certs');
    const wrongKey = await caught(() =>
      new TemporalTlsContainer()
        .withCertificates({ serverCert: pki.server.cert, serverKey: pki.client.key, ca: pki.ca.cert })
        .withCertsDir(certsDir)
        .start(),
    );
    expectMisuse(wrongKey, /^serverKey .* does not belong to serverCert /);
    const noClientCa = await caught(() =>
      new TemporalTlsContainer()
        .withMode('mtls')
        .withCertificates({ serverCert: pki.server.cert, serverKey: pki.server.key, ca: pki.ca.cert })
        .withCertsDir(certsDir)
        .start(),
    );
    expectMisuse(noClientCa, /^withMode\('mtls'\) with your own certificates needs clientCas/);
    expect(existsSync(certsDir)).toBe(false);
    expect(ownContainers()).toEqual([]);
    await pki.remove();
  });

  test('a namespace name the server refuses: the container is removed and the folder too', async () => {
    const certsDir = path.join(tmp, 'refused');
    const error = await caught(() => new TemporalTlsContainer().withNamespaces('default', 'n'.repeat(1001)).withCertsDir(certsDir).start());
    expectMisuse(error, /^the server refused namespace "n{40}"\.\.\. \(1001 characters\): /);
    expect(ownContainers()).toEqual([]);
    expect(existsSync(certsDir)).toBe(false);
  });

  test('start() twice', async () => {
    const container = new TemporalTlsContainer().withMode('plain').withCertsDir(path.join(tmp, 'twice'));
    const server = await container.start();
    try {
      expectMisuse(await caught(() => container.start()), /^start\(\) was already called on this TemporalTlsContainer/);
      expect(ownContainers()).toHaveLength(1);
    } finally {
      await server.stop();
    }
    expect(ownContainers()).toEqual([]);
  });
});
