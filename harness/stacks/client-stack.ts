/**
 * The client stack: `@temporalio/client` on grpc-js and Node's OpenSSL. A cell connects as the
 * application would, starts the workflow and awaits its result.
 *
 * `Connection.connect` reports nearly every TLS failure as "Failed to connect before the
 * deadline", because grpc-js keeps retrying the channel. So a probe goes first and shows the
 * reason: a lazy connection without the retry interceptor, and one call under a deadline, whose
 * UNAVAILABLE status carries the channel's last error. When the probe has already failed, the
 * application's connect is given a short deadline: its error is what the cell records, and the
 * SDK words it the same whatever the deadline.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
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

export async function runClientCell(target: ConnectionUnderTest, counterparts: Counterparts): Promise<StackAttempt> {
  const options: ConnectionOptions = { address: target.address, tls: target.tls };
  const cause = await probeReason(options);
  const connectTimeout = cause ? TIMEOUTS.connectAfterFailedProbeMs : TIMEOUTS.connectMs;
  let connection: Connection;
  try {
    connection = await withTimeout(Connection.connect({ ...options, connectTimeout }), connectTimeout + 1000, 'Connection.connect');
  } catch (error) {
    return { error, cause, stage: 'connect' };
  }
  try {
    return await runWorkflow(connection, target, counterparts);
  } catch (error) {
    return { error, stage: 'workflow' };
  } finally {
    await connection.close();
  }
}

async function runWorkflow(connection: Connection, target: ConnectionUnderTest, counterparts: Counterparts): Promise<StackAttempt> {
  const namespace = target.namespace ?? 'default';
  const client = new Client({
    connection,
    ...(target.namespace === undefined ? {} : { namespace }),
    dataConverter: { payloadCodecs: target.codec ? [target.codec] : [] },
  });
  const workflowId = `client-cell-${randomUUID()}`;
  const counterpart = counterparts.taskQueueFor(namespace, target.codecChoice !== undefined);
  const handle = await client.workflow.start('greetingWorkflow', { taskQueue: counterpart.taskQueue, workflowId, args: [GREETING_NAME] });
  await counterpart.ready();
  const observer = await counterparts.client(namespace, false);
  checkGreeting(await awaitResult(handle, observer));
  if (target.verifyEncryptedAtRest) await checkEncryptedAtRest(observer, workflowId);
  return OK;
}

/** The channel's real error, from one call that is not retried; null when the call succeeds. */
async function probeReason(options: ConnectionOptions): Promise<unknown> {
  let connection: Connection | undefined;
  try {
    connection = Connection.lazy({ ...options, interceptors: [] });
    const probing = connection;
    await probing.withDeadline(Date.now() + TIMEOUTS.probeMs, () => probing.workflowService.getSystemInfo({}));
    return null;
  } catch (error) {
    return error;
  } finally {
    await connection?.close();
  }
}
