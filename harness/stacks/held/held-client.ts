/**
 * The client stack over time (family lifetime): connect as the application does (the SDK's own
 * connect timeout and retries), run a workflow; then hold the connection, idle or awaiting the
 * result of a workflow that outlives the hold (a long poll too), replacing the connection when
 * told to; then run a workflow again. On the timeline: what grpc-js logged, every failed attempt
 * of every call (the SDK retries them silently), and the channel's state changes.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { InterceptingCall as GrpcInterceptingCall, Interceptor, StatusObject } from '@grpc/grpc-js';
import { errorText } from '../../diagnosis/classify';
import { awaitResult, checkGreeting, checkResult, ConnectionUnderTest, GREETING_NAME, HarnessSide, HoldDirective, StackAttempt, TIMEOUTS, withTimeout, workflowCall } from '../cell';
import { probeReason } from '../client-stack';
import { RetryTimers } from '../retry-timers';
import { Recorder } from './recorder';
import { recordGrpcJsLogs } from './sdk-logs';

const CHANNEL_STATES = ['IDLE', 'CONNECTING', 'READY', 'TRANSIENT_FAILURE', 'SHUTDOWN'];
const STATUS_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export async function runHeldClientCell(target: ConnectionUnderTest, harness: HarnessSide): Promise<StackAttempt> {
  const recorder = new Recorder('client', (event) => void harness.report(event).catch(() => undefined));
  recordGrpcJsLogs(recorder);
  const cell = new HeldClient(target, harness, recorder);
  try {
    return { ...(await cell.run()), timeline: recorder.events };
  } catch (error) {
    return { error, stage: 'workflow', timeline: recorder.events };
  } finally {
    await cell.close();
  }
}

/** One held client cell: its connections (the first, and one per renewal), and its steps. */
class HeldClient {
  private readonly connections: Connection[] = [];
  private readonly retries = new RetryTimers();
  private client?: Client;
  private holdStarted = Date.now();
  private readonly namespace: string;

  constructor(
    private readonly target: ConnectionUnderTest,
    private readonly harness: HarnessSide,
    private readonly recorder: Recorder,
  ) {
    this.namespace = target.namespace ?? 'default';
  }

  async run(): Promise<StackAttempt> {
    await this.harness.connecting();
    try {
      await this.connect(this.target.tls);
      this.recorder.step('Connection.connect succeeded');
    } catch (error) {
      this.recorder.step(`Connection.connect failed: ${errorText(error)}`, 'ERROR');
      return { error, cause: await probeReason(applicationOptions(this.target, this.target.tls)), stage: 'connect' };
    }
    const taskQueue = await this.harness.counterpartQueue(this.namespace, false);
    const first = await this.step('workflow', () => this.workflow('first', taskQueue));
    if (first) return first;
    this.holdStarted = Date.now();
    const hold = this.target.hold;
    const awaited = hold?.client === 'awaiting-result' ? await awaitHeldWorkflow(this.client!, taskQueue, hold.workflowSleepMs, this.recorder) : undefined;
    this.recorder.step(awaited ? 'holding: awaiting the result of a workflow that sleeps through the hold' : 'holding: the client is idle');
    await this.hold(awaited?.failed);
    if (awaited) {
      const failed = await this.step('hold', async () => {
        checkGreeting(await withTimeout(awaited.result, TIMEOUTS.workflowMs, 'the held workflow'));
        this.recorder.step('the held workflow completed');
      }).finally(awaited.abort);
      if (failed) return failed;
    }
    this.recorder.step('the hold is over: the next workflow');
    return (await this.step('after-hold', () => this.workflow('next', taskQueue))) ?? { error: null };
  }

  async close(): Promise<void> {
    await this.retries.stop();
    for (const connection of this.connections) await connection.close().catch(() => undefined);
  }

  /** The SDK's retry interceptor, as by default, with an observer inside it that sees each attempt. */
  private async connect(tls: ConnectionUnderTest['tls']): Promise<void> {
    const interceptors = [this.retries.interceptor(), observer(this.recorder)];
    const connection = await Connection.connect({ ...applicationOptions(this.target, tls), interceptors });
    this.connections.push(connection);
    watchChannel(connection, this.recorder);
    this.client = new Client({ connection, ...(this.target.namespace === undefined ? {} : { namespace: this.namespace }) });
  }

  /** Until the harness ends the hold (or the awaited workflow fails), replacing the connection when told to. */
  private async hold(failed: Promise<void> | undefined): Promise<void> {
    for (;;) {
      const next = await Promise.race([this.harness.hold(), ...(failed ? [failed.then((): HoldDirective => ({ then: 'end' }))] : [])]);
      if (next.then === 'end') return;
      await this.connect(next.tls);
      this.recorder.step('the application now uses a new Connection with the renewed certificate');
    }
  }

  /** Run `action`; its failure, with the last problem the SDK reported before it, is the cell's outcome. */
  private async step(stage: 'workflow' | 'hold' | 'after-hold', action: () => Promise<void>): Promise<StackAttempt | undefined> {
    try {
      await action();
      return undefined;
    } catch (error) {
      const cause = this.recorder.lastProblem(this.holdStarted);
      this.recorder.step(`${stage === 'hold' ? 'awaiting the held workflow' : 'the workflow'} failed: ${errorText(error)}`, 'ERROR');
      return { error, stage, cause };
    }
  }

  private async workflow(label: 'first' | 'next', taskQueue: string): Promise<void> {
    const workflowId = `held-client-${label}-${randomUUID()}`;
    const next = label === 'next' ? this.target.hold?.next : undefined;
    const call = workflowCall(next, 'client');
    const handle = await this.client!.workflow.start(call.type, { taskQueue, workflowId, args: call.args });
    await this.harness.counterpartReady(this.namespace, false);
    const timeoutMs = label === 'next' ? this.target.hold?.nextWorkflowMs : undefined;
    checkResult(call, await awaitResult(handle, () => this.harness.workflowTaskFailure(this.namespace, workflowId), timeoutMs));
    this.recorder.step(`the ${label} workflow completed`);
    if (next && 'historyOf' in next) {
      const history = await handle.fetchHistory();
      this.recorder.step(`handle.fetchHistory() read ${history.events?.length ?? 0} events`);
    }
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
