/**
 * The worker stack: `@temporalio/worker` on the Rust sdk-core (tonic, rustls). A cell connects
 * as the application would, creates a worker on a task queue of its own, and executes the
 * workflow that the harness's client starts there.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './activities';
import type { Counterparts } from './counterparts';
import {
  awaitResult,
  checkEncryptedAtRest,
  checkGreeting,
  ConnectionUnderTest,
  GREETING_NAME,
  OK,
  StackAttempt,
  TIMEOUTS,
  withTimeout,
} from './cell';

export async function runWorkerCell(
  target: ConnectionUnderTest,
  counterparts: Counterparts,
  workflowBundlePath: string,
): Promise<StackAttempt> {
  let connection: NativeConnection;
  // A native connect makes one attempt with no timeout of its own and can hang on a silent peer.
  const connecting = NativeConnection.connect({ address: target.address, tls: target.tls });
  try {
    connection = await withTimeout(connecting, TIMEOUTS.connectMs, 'NativeConnection.connect');
  } catch (error) {
    connecting.then((late) => late.close()).catch(() => undefined);
    return { error, stage: 'connect' };
  }
  const namespace = target.namespace ?? 'default';
  const encrypted = target.codecChoice !== undefined;
  try {
    const taskQueue = `worker-cell-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      ...(target.namespace === undefined ? {} : { namespace }),
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      activities,
      dataConverter: { payloadCodecs: target.codec ? [target.codec] : [] },
    });
    const starter = await counterparts.client(namespace, encrypted);
    const observer = await counterparts.client(namespace, false);
    const workflowId = `worker-cell-${randomUUID()}`;
    // Run the worker around the whole exchange: a worker created but never run pins its connection.
    const result = await worker.runUntil(async () => {
      const handle = await starter.workflow.start('greetingWorkflow', { taskQueue, workflowId, args: [GREETING_NAME] });
      return awaitResult(handle, observer);
    });
    checkGreeting(result);
    if (target.verifyEncryptedAtRest) await checkEncryptedAtRest(observer, workflowId);
    return OK;
  } catch (error) {
    return { error, stage: 'worker' };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
