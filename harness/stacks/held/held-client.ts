/**
 * The client stack over time (family lifetime): connect as the application does (the SDK's own
 * connect timeout and retries), run a workflow; then hold the connection, idle or awaiting the
 * result of a workflow that outlives the hold (a long poll too), replacing the connection when
 * told to; then run a workflow again. On the timeline: what grpc-js logged, every failed attempt
 * of every call (the SDK retries them silently), and the channel's state changes.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import type { InterceptingCall as GrpcInterceptingCall, Interceptor, StatusObject } from '@grpc/grpc-js';
import { errorText } from '../../diagnosis/classify';
import { awaitResult, checkGreeting, checkResult, ConnectionUnderTest, GREETING_NAME, HarnessSide, HoldDirective, StackAttempt, TIMEOUTS, withTimeout, workflowCall } from '../cell';
import { probeReason } from '../client-stack';
import { Recorder } from './recorder';
import { recordGrpcJsLogs } from './sdk-logs';

const CHANNEL_STATES = ['IDLE', 'CONNECTING', 'READY', 'TRANSIENT_FAILURE', 'SHUTDOWN'];
const STATUS_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export async function runHeldClientCell(target: ConnectionUnderTest, harness: HarnessSide): Promise<StackAttempt> {
  const recorder = new Recorder('client', (event) => void harness.report(event).catch(() => undefined));
  recordGrpcJsLogs(recorder);
  const attempt = await heldClient(target, harness, recorder);
  return { ...attempt, timeline: recorder.events };
}

async function heldClient(target: ConnectionUnderTest, harness: HarnessSide, recorder: Recorder): Promise<StackAttempt> {
  const connections: Connection[] = [];
  const connect = async (tls: ConnectionUnderTest['tls']) => {
    // The SDK's retry interceptor, as by default, with an observer inside it that sees each attempt.
    const connection = await Connection.connect({ ...applicationOptions(target, tls), interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), observer(recorder)] });
    connections.push(connection);
    watchChannel(connection, recorder);
    return connection;
  };
  const namespace = target.namespace ?? 'default';
  try {
    let connection: Connection;
    try {
      connection = await connect(target.tls);
      recorder.step('Connection.connect succeeded');
    } catch (error) {
      recorder.step(`Connection.connect failed: ${errorText(error)}`, 'ERROR');
      return { error, cause: await probeReason(applicationOptions(target, target.tls)), stage: 'connect' };
    }
    const clientOf = (on: Connection) => new Client({ connection: on, ...(target.namespace === undefined ? {} : { namespace }) });
    let client = clientOf(connection);
    const taskQueue = await harness.counterpartQueue(namespace, false);
    let holdStarted = Date.now();
    const failedAt = (stage: 'workflow' | 'hold' | 'after-hold') => (error: unknown): StackAttempt => {
      const cause = recorder.lastProblem(holdStarted);
      recorder.step(`${stage === 'hold' ? 'awaiting the held workflow' : 'the workflow'} failed: ${errorText(error)}`, 'ERROR');
      return { error, stage, cause };
    };
    const workflow = async (label: 'first' | 'next') => {
      const workflowId = `held-client-${label}-${randomUUID()}`;
      const next = label === 'next' ? target.hold?.next : undefined;
      const call = workflowCall(next, 'client');
      const handle = await client.workflow.start(call.type, { taskQueue, workflowId, args: call.args });
      await harness.counterpartReady(namespace, false);
      checkResult(call, await awaitResult(handle, () => harness.workflowTaskFailure(namespace, workflowId)));
      recorder.step(`the ${label} workflow completed`);
      if (next && 'historyOf' in next) {
        const history = await handle.fetchHistory();
        recorder.step(`handle.fetchHistory() read ${history.events?.length ?? 0} events`);
      }
    };
    try {
      await workflow('first');
    } catch (error) {
      return failedAt('workflow')(error);
    }
    holdStarted = Date.now();
    const awaited = target.hold?.client === 'awaiting-result' ? await awaitHeldWorkflow(client, taskQueue, target.hold.workflowSleepMs, recorder) : undefined;
    recorder.step(awaited ? 'holding: awaiting the result of a workflow that sleeps through the hold' : 'holding: the client is idle');
    for (;;) {
      const next = await Promise.race([harness.hold(), ...(awaited ? [awaited.failed.then((): HoldDirective => ({ then: 'end' }))] : [])]);
      if (next.then === 'end') break;
      connection = await connect(next.tls);
      client = clientOf(connection);
      recorder.step('the application now uses a new Connection with the renewed certificate');
    }
    if (awaited) {
      try {
        checkGreeting(await withTimeout(awaited.result, TIMEOUTS.workflowMs, 'the held workflow'));
        recorder.step('the held workflow completed');
      } catch (error) {
        return failedAt('hold')(error);
      } finally {
        awaited.abort();
      }
    }
    recorder.step('the hold is over: the next workflow');
    try {
      await workflow('next');
    } catch (error) {
      return failedAt('after-hold')(error);
    }
    return { error: null };
  } catch (error) {
    return { error, stage: 'workflow' };
  } finally {
    for (const connection of connections) await connection.close().catch(() => undefined);
  }
}

function applicationOptions(target: ConnectionUnderTest, tls: ConnectionUnderTest['tls']): ConnectionOptions {
  return {
    address: target.address,
    ...(tls === undefined ? {} : { tls }),
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
  };
}

/** Start a workflow that sleeps through the hold and await its result, as an application awaiting a long workflow does. */
async function awaitHeldWorkflow(client: Client, taskQueue: string, sleepMs: number, recorder: Recorder) {
  const handle = await client.workflow.start('heldGreetingWorkflow', { taskQueue, workflowId: `held-client-awaited-${randomUUID()}`, args: [GREETING_NAME, sleepMs] });
  const longPoll = new AbortController();
  const result = client.connection.withAbortSignal(longPoll.signal, () => handle.result());
  const failed = result.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => recorder.step(`handle.result() rejected: ${errorText(error)}`, 'ERROR'),
  );
  result.catch(() => undefined);
  return { result, failed, abort: () => longPoll.abort() };
}

/** Each attempt of each call that ends in an error, as the application's retry interceptor sees it before retrying. */
function observer(recorder: Recorder): Interceptor {
  const grpc = grpcJs();
  return (options, nextCall): GrpcInterceptingCall =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveStatus(status: StatusObject, nextStatus: (status: StatusObject) => void) {
            // A long poll the cell itself aborts ends CANCELLED: that is not the connection's doing.
            if (status.code !== grpc.status.OK && status.code !== grpc.status.CANCELLED) {
              const method = options.method_definition.path.split('/').pop();
              recorder.record(`${method} attempt ended: ${status.code} ${STATUS_NAMES[status.code] ?? ''}: ${status.details}`, 'WARN');
            }
            nextStatus(status);
          },
        });
      },
    });
}

/** The channel's state changes (READY, IDLE after a GOAWAY, CONNECTING, TRANSIENT_FAILURE ...). */
function watchChannel(connection: Connection, recorder: Recorder): void {
  // Connection.client is protected in the types; its channel's state is the only place a GOAWAY or a lost connection shows.
  const channel = (connection as unknown as { client: import('@grpc/grpc-js').Client }).client.getChannel();
  const watch = (from: number) =>
    channel.watchConnectivityState(from, Infinity, () => {
      const now = channel.getConnectivityState(false);
      recorder.record(`channel ${CHANNEL_STATES[from]} -> ${CHANNEL_STATES[now]}`, 'INFO');
      if (now !== 4) watch(now);
    });
  watch(channel.getConnectivityState(false));
}

/** The grpc-js the SDK's client uses (another release's, in a child on another SDK). */
function grpcJs(): typeof import('@grpc/grpc-js') {
  return require(require.resolve('@grpc/grpc-js', { paths: [require.resolve('@temporalio/client')] }));
}
