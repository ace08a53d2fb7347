/**
 * The worker stack: `@temporalio/worker` on the Rust sdk-core (tonic, rustls). A cell connects
 * as the application would, creates a worker on a task queue of its own, and executes the
 * workflow that the harness's client starts there.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import {
  checkGreeting,
  checkPollAllowed,
  ConnectionUnderTest,
  expectRefusedBeforeRotation,
  HarnessSide,
  OK,
  StackAttempt,
  TIMEOUTS,
  withTimeout,
} from './cell';
import { codecFor } from './encryption-codec';

/** Shorter than the server accepts for a long poll, so an allowed poll returns at once. */
const POLL_CHECK_DEADLINE_MS = 1000;

export async function runWorkerCell(target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string): Promise<StackAttempt> {
  const connected = await connect(target);
  if (!('connection' in connected)) return connected;
  const { connection } = connected;
  const namespace = target.namespace ?? 'default';
  const encrypted = target.codecChoice !== undefined;
  const codec = codecFor(target.codecChoice);
  try {
    if (target.rotateApiKeyTo) {
      await expectRefusedBeforeRotation(() => connection.workflowService.describeNamespace({ namespace }));
      await connection.setApiKey(target.rotateApiKeyTo);
    }
    const taskQueue = `worker-cell-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      ...(target.namespace === undefined ? {} : { namespace }),
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      activities,
      dataConverter: { payloadCodecs: codec ? [codec] : [] },
    });
    const pollAllowed = async () => {
      if (target.apiKey === undefined) return;
      await checkPollAllowed(() =>
        connection.withDeadline(Date.now() + POLL_CHECK_DEADLINE_MS, () =>
          connection.workflowService.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue } }),
        ),
      );
    };
    const workflow = async () => {
      const workflowId = `worker-cell-${randomUUID()}`;
      checkGreeting(await harness.runWorkflow({ namespace, encrypted, taskQueue, workflowId }));
      if (target.verifyEncryptedAtRest) await harness.checkEncryptedAtRest(namespace, workflowId);
    };
    // Run the worker around the whole exchange, the poll check included: a worker created but
    // never run is never shut down, and it pins its connection (the soak saw every run leak them).
    await worker.runUntil(
      (async () => {
        await pollAllowed();
        await workflow();
        if (target.faultBetweenWorkflows) {
          await harness.injectFault();
          await workflow();
        }
      })(),
    );
  } catch (error) {
    return { error, stage: 'worker' };
  } finally {
    await closeNativeConnection(connection);
  }
  return target.faultBetweenWorkflows ? newConnectionAccepted(target) : OK;
}

/**
 * Close a native connection, and turn off its AsyncLocalStorage, which `close()` leaves on (SDK
 * 1.24.0; the client's Connection.close turns its own off). A worker's first activity turns it on,
 * as does `withDeadline`, and every storage left on makes each promise the process creates
 * afterwards slower: the soak measured 200,000 promise round trips going from 0.4 s to 3.5 s after
 * one matrix run and to 10.7 s after six, and runs slowing from 51 s to 73 s.
 */
export async function closeNativeConnection(connection: NativeConnection): Promise<void> {
  await connection.close().catch(() => undefined);
  // Releases before the storage existed have none (a child on another SDK).
  (connection as Partial<Pick<NativeConnection, 'callContextStorage'>>).callContextStorage?.disable();
}

/** Connect as the application does. */
async function connect(target: ConnectionUnderTest): Promise<{ connection: NativeConnection } | StackAttempt> {
  // A native connect makes one attempt with no timeout of its own and can hang on a silent peer.
  const connecting = NativeConnection.connect({
    address: target.address,
    ...(target.tls === undefined ? {} : { tls: target.tls }),
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
    ...(target.proxy ? { proxy: { type: 'http-connect' as const, targetHost: target.proxy } } : {}),
  });
  try {
    return { connection: await withTimeout(connecting, TIMEOUTS.connectMs, 'NativeConnection.connect') };
  } catch (error) {
    connecting.then((late) => late.close()).catch(() => undefined);
    return { error, stage: 'connect' };
  }
}

/** After a fault: whether the server accepts a connection made now, with the same options (sdk-core calls GetSystemInfo in it). */
async function newConnectionAccepted(target: ConnectionUnderTest): Promise<StackAttempt> {
  const connected = await connect(target);
  if (!('connection' in connected)) return connected;
  await closeNativeConnection(connected.connection);
  return OK;
}
