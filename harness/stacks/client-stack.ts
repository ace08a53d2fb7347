/**
 * The client stack: `@temporalio/client` on grpc-js and Node's OpenSSL. A cell connects as the
 * application would, starts the workflow and awaits its result.
 *
 * `Connection.connect` reports nearly every TLS failure as "Failed to connect before the
 * deadline", because grpc-js keeps retrying the channel. So a probe goes first and shows the
 * reason: a lazy connection without the retry interceptor, and one call under a deadline, whose
 * UNAVAILABLE status carries the channel's last error. When the probe has already failed, the
 * application's connect is given a short deadline ({@link connectDeadlineAfter}): its error is
 * what the cell records.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import {
  awaitResult,
  checkGreeting,
  ConnectionUnderTest,
  expectRefusedBeforeRotation,
  GREETING_NAME,
  HarnessSide,
  OK,
  refusalAtConnect,
  StackAttempt,
  TIMEOUTS,
  withTimeout,
} from './cell';
import { codecFor } from './encryption-codec';

export async function runClientCell(target: ConnectionUnderTest, harness: HarnessSide): Promise<StackAttempt> {
  const options: ConnectionOptions = {
    address: target.address,
    ...(target.tls === undefined ? {} : { tls: target.tls }),
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
    ...(target.proxy ? { channelArgs: { 'grpc.http_proxy': `http://${target.proxy}` } } : {}),
  };
  if (target.sdkDefaults) return runWithSdkDefaults(options, target.namespace);
  const connected = await connect(options);
  if (!('connection' in connected)) return connected;
  const { connection } = connected;
  try {
    if (target.rotateApiKeyTo) await rotateApiKey(connection, target.namespace ?? 'default', target.rotateApiKeyTo);
    await runWorkflow(connection, target, harness);
    if (target.faultBetweenWorkflows) {
      await harness.injectFault();
      await runWorkflow(connection, target, harness);
    }
  } catch (error) {
    return { error, stage: 'workflow' };
  } finally {
    await connection.close();
  }
  return target.faultBetweenWorkflows ? newConnectionAccepted(options) : OK;
}

/** Connect as the application does, with the probe's reason beside a failure. */
async function connect(options: ConnectionOptions): Promise<{ connection: Connection } | StackAttempt> {
  const cause = await probeReason(options);
  const connectTimeout = connectDeadlineAfter(cause);
  // What Connection.connect does (lazy, then ensureConnected), except that a failed connect's
  // channel is closed: Connection.connect leaves it open and retrying, which the soak saw pile up.
  let connection: Connection | undefined;
  try {
    connection = Connection.lazy({ ...options, connectTimeout }); // throws on options it cannot use (a bad PEM, address)
    await withTimeout(connection.ensureConnected(), connectTimeout + 1000, 'Connection.connect');
    return { connection };
  } catch (error) {
    await connection?.close().catch(() => undefined);
    return { error, cause, stage: 'connect' };
  }
}

/** After a fault: whether the server accepts a connection made now, with the same options. */
async function newConnectionAccepted(options: ConnectionOptions): Promise<StackAttempt> {
  const connected = await connect(options);
  if (!('connection' in connected)) return connected;
  await connected.connection.close();
  return OK;
}

async function runWorkflow(connection: Connection, target: ConnectionUnderTest, harness: HarnessSide): Promise<void> {
  const namespace = target.namespace ?? 'default';
  const codec = codecFor(target.codecChoice);
  const client = new Client({
    connection,
    ...(target.namespace === undefined ? {} : { namespace }),
    dataConverter: { payloadCodecs: codec ? [codec] : [] },
  });
  const workflowId = `client-cell-${randomUUID()}`;
  const encrypted = target.codecChoice !== undefined;
  const taskQueue = await harness.counterpartQueue(namespace, encrypted);
  const handle = await client.workflow.start('greetingWorkflow', { taskQueue, workflowId, args: [GREETING_NAME] });
  await harness.counterpartReady(namespace, encrypted);
  checkGreeting(await awaitResult(handle, () => harness.workflowTaskFailure(namespace, workflowId)));
  if (target.verifyEncryptedAtRest) await harness.checkEncryptedAtRest(namespace, workflowId);
}

async function rotateApiKey(connection: Connection, namespace: string, key: string): Promise<void> {
  await expectRefusedBeforeRotation(() => connection.workflowService.describeNamespace({ namespace }));
  connection.setApiKey(key);
}

/** The channel's real error, from one call that is not retried; null when the call succeeds. */
export async function probeReason(options: ConnectionOptions): Promise<unknown> {
  let connection: Connection | undefined;
  try {
    connection = Connection.lazy({ ...options, interceptors: [] });
    const probing = connection;
    await probing.withDeadline(Date.now() + TIMEOUTS.probeMs, () => probing.workflowService.getSystemInfo({}));
    return null;
  } catch (error) {
    return refusalAtConnect(error);
  } finally {
    await connection?.close();
  }
}

const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

/**
 * The application's connect deadline, given what the probe found. A probe that succeeded, or only
 * ran out of time, found no reason: the server may be slow, not wrong, so the connect gets the
 * whole deadline of one expected to succeed. A probe whose channel never became ready (grpc-js:
 * "No connection established", the TLS and TCP failures) means the connect can only end in
 * "Failed to connect before the deadline", worded the same whatever the deadline. Any other
 * refusal came over a working channel, and the connect gets time to hear the server's own words.
 */
export function connectDeadlineAfter(cause: unknown): number {
  const { code, details } = (cause ?? {}) as { code?: number; details?: string };
  if (!cause || code === DEADLINE_EXCEEDED) return TIMEOUTS.connectMs;
  if (code === UNAVAILABLE && details?.includes('No connection established')) return TIMEOUTS.connectWithoutChannelMs;
  return TIMEOUTS.connectAfterFailedProbeMs;
}

/** How long the bench watches an application with the SDK's defaults before it counts as "no failure yet". */
export const SDK_DEFAULT_CAP_MS = 30_000;

/**
 * What an application with the SDK's defaults meets (ConnectionUnderTest.sdkDefaults):
 * `Connection.connect` with its default connect timeout and retry interceptor, then a workflow
 * started and awaited on a task queue no worker polls, so that a connection that works is still
 * waiting at the cap. Ends with the SDK's own error, or a CellTimeoutError at the cap.
 */
async function runWithSdkDefaults(options: ConnectionOptions, namespace: string | undefined): Promise<StackAttempt> {
  let connection: Connection | undefined;
  // Aborted at the cap and settled before the connection closes: a call left in flight would
  // outlive its channel, and the retry interceptor's timer would then crash the process.
  const inFlight = new AbortController();
  const attempt = (async (): Promise<StackAttempt> => {
    connection = await Connection.connect(options);
    const client = new Client({ connection, ...(namespace === undefined ? {} : { namespace }) });
    await connection.withAbortSignal(inFlight.signal, () =>
      client.workflow.execute('greetingWorkflow', { taskQueue: `sdk-defaults-${randomUUID()}`, workflowId: `sdk-defaults-${randomUUID()}`, args: [GREETING_NAME] }),
    );
    return { error: new Error('the workflow completed on a task queue that no worker polls'), stage: 'verify' };
  })().catch((error: unknown): StackAttempt => ({ error, stage: connection ? 'workflow' : 'connect' }));
  try {
    return await withTimeout(attempt, SDK_DEFAULT_CAP_MS, 'an application with the SDK defaults');
  } catch (error) {
    return { error, stage: connection ? 'workflow' : 'connect' };
  } finally {
    inFlight.abort();
    await attempt;
    await (connection as Connection | undefined)?.close().catch(() => undefined);
  }
}
