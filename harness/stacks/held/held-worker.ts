/**
 * The worker stack over time (family lifetime): connect as the application does, create a worker
 * on a task queue of its own and execute a workflow the harness starts; then keep polling the
 * empty queue while the harness lets time pass (and does what the scenario has happen), replacing
 * the connection when told to; then execute a workflow again. Everything the SDK logged and every
 * step's outcome goes on the timeline, with its time.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { errorText } from '../../diagnosis/classify';
import * as activities from '../activities';
import { checkResult, ConnectionUnderTest, HarnessSide, HoldDirective, StackAttempt, TIMEOUTS, withTimeout, workflowCall } from '../cell';
import { closeNativeConnection } from '../worker-stack';
import { Recorder } from './recorder';
import { installRecordingRuntime } from './sdk-logs';

/** How long a worker gets to shut down: one whose polls are refused may never finish (SDK 1.24.0, measured). */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** How long a failed worker's run() gets to settle before the cell says it never did. */
const RUN_SETTLES_TIMEOUT_MS = 10_000;
/** How long a connection gets to close: a failed worker that leaked its native half can hold it open for good. */
const CLOSE_TIMEOUT_MS = 5000;
const STATE_POLL_MS = 250;

export async function runHeldWorkerCell(target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string): Promise<StackAttempt> {
  const recorder = new Recorder('worker', (event) => void harness.report(event).catch(() => undefined));
  installRecordingRuntime(recorder);
  const connections = new Connections(target, recorder);
  try {
    return { ...(await heldWorker(target, harness, workflowBundlePath, recorder, connections)), timeline: recorder.events };
  } catch (error) {
    return { error, stage: 'worker', timeline: recorder.events };
  } finally {
    await connections.closeAll();
  }
}

async function heldWorker(target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string, recorder: Recorder, connections: Connections): Promise<StackAttempt> {
  let connection: NativeConnection;
  await harness.connecting();
  try {
    connection = await connections.open(target.tls);
    recorder.step('NativeConnection.connect succeeded');
  } catch (error) {
    recorder.step(`NativeConnection.connect failed: ${errorText(error)}`, 'ERROR');
    return { error, stage: 'connect' };
  }
  const namespace = target.namespace ?? 'default';
  const taskQueue = `held-worker-${randomUUID()}`;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath },
    activities,
    ...(target.hold?.workerOptions ?? {}),
  });
  const life = watchWorker(worker, recorder);
  let holdStarted = Date.now();
  const workflow = async (label: 'first' | 'next', stage: 'workflow' | 'after-hold'): Promise<StackAttempt | undefined> => {
    const call = workflowCall(label === 'next' ? target.hold?.next : undefined, 'worker');
    try {
      const workflowId = `held-worker-${label}-${randomUUID()}`;
      const timeoutMs = label === 'next' ? target.hold?.nextWorkflowMs : undefined;
      checkResult(call, await harness.runWorkflow({ namespace, encrypted: false, taskQueue, workflowId, workflow: { type: call.type, args: call.args }, timeoutMs }));
      recorder.step(`the ${label} workflow completed`);
      return undefined;
    } catch (error) {
      const cause = recorder.lastProblem(holdStarted);
      recorder.step(`the ${label} workflow failed: ${errorText(error)}`, 'ERROR');
      const still = worker.getState();
      return { error, stage, cause, ...(still === 'RUNNING' ? { detail: 'the worker was still RUNNING and took no task meanwhile' } : {}) };
    }
  };
  try {
    const first = await workflow('first', 'workflow');
    if (first) return first;
    holdStarted = Date.now();
    recorder.step('holding: the worker polls its empty task queue');
    const unsupported = await hold(worker, harness, life, connections, recorder);
    if (unsupported) return unsupported;
    if (life.failed()) return await life.failure(recorder.lastProblem(holdStarted), holdStarted);
    recorder.step(`the hold is over (worker state ${worker.getState()}): the next workflow`);
    return (await workflow('next', 'after-hold')) ?? { error: null };
  } finally {
    await life.stop();
  }
}

/** Hold until the harness says it is over or the worker fails, replacing the connection when told to. */
async function hold(worker: Worker, harness: HarnessSide, life: WorkerLife, connections: Connections, recorder: Recorder): Promise<StackAttempt | undefined> {
  for (;;) {
    const next = await Promise.race([harness.hold(), life.failing.then((): HoldDirective => ({ then: 'end' }))]);
    if (next.then === 'end') return undefined;
    if (!canReplaceConnection()) {
      return { error: new Error("this SDK release cannot replace a running worker's connection (worker.connection = ..., added in 1.15.0)"), stage: 'configure' };
    }
    worker.connection = await connections.open(next.tls);
    recorder.step('the worker now uses a new NativeConnection (worker.connection = ...) with the renewed certificate');
  }
}

/** `worker.connection = ...` has a setter from SDK 1.15 on; before, the assignment would silently do nothing. */
function canReplaceConnection(): boolean {
  return Object.getOwnPropertyDescriptor(Worker.prototype, 'connection')?.set !== undefined;
}

type WorkerLife = ReturnType<typeof watchWorker>;

/**
 * worker.run(), and the worker's state beside it. The state shows a failure that run() may never
 * report: SDK 1.24.0, its polls refused, went FAILED and then either rejected run() with an
 * unrelated IllegalStateError ("Worker still in use") or left it unsettled (both measured).
 */
function watchWorker(worker: Worker, recorder: Recorder) {
  let rejection: unknown;
  let settled = false;
  let markFailing: () => void = () => undefined;
  const failing = new Promise<void>((resolve) => (markFailing = resolve));
  const run = worker.run().then(
    () => {
      settled = true;
      recorder.step('worker.run() resolved');
    },
    (error: unknown) => {
      settled = true;
      rejection = error;
      recorder.step(`worker.run() rejected: ${errorText(error)}`, 'ERROR');
      markFailing();
    },
  );
  const watcher = setInterval(() => worker.getState() === 'FAILED' && markFailing(), STATE_POLL_MS);
  return {
    failing,
    failed: () => rejection !== undefined || worker.getState() === 'FAILED',
    /** The failure as the application meets it: run()'s rejection, or the lack of one. */
    failure: async (cause: string | undefined, holdStarted: number): Promise<StackAttempt> => {
      const failedAfterS = ((Date.now() - holdStarted) / 1000).toFixed(1);
      await withTimeout(run, RUN_SETTLES_TIMEOUT_MS, 'worker.run()').catch(() => undefined);
      if (!settled) recorder.step(`worker.run() had not settled ${RUN_SETTLES_TIMEOUT_MS / 1000} s after the worker FAILED`, 'ERROR');
      const reached = rejection !== undefined ? `worker.run() rejected with ${errorText(rejection).slice(0, 120)}` : `worker.run() did not settle within ${RUN_SETTLES_TIMEOUT_MS / 1000} s`;
      return {
        error: rejection ?? new Error('the worker FAILED, and worker.run() did not settle'),
        stage: 'hold',
        cause,
        detail: `the worker FAILED ${failedAfterS} s into the hold; ${reached}`,
      };
    },
    stop: async () => {
      clearInterval(watcher);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await withTimeout(run, SHUTDOWN_TIMEOUT_MS, 'worker.shutdown()').catch((error: unknown) =>
        recorder.step(`${errorText(error)}: its polls were still being refused or retried`, 'WARN'),
      );
    },
  };
}

/** The cell's connections: the first, and any that replace it; each closed at the end. */
class Connections {
  private readonly opened: NativeConnection[] = [];

  constructor(
    private readonly target: ConnectionUnderTest,
    private readonly recorder: Recorder,
  ) {}

  async open(tls: ConnectionUnderTest['tls']): Promise<NativeConnection> {
    const { address, apiKey } = this.target;
    const connecting = NativeConnection.connect({ address, ...(tls === undefined ? {} : { tls }), ...(apiKey === undefined ? {} : { apiKey }) });
    const connection = await withTimeout(connecting, TIMEOUTS.connectMs, 'NativeConnection.connect');
    this.opened.push(connection);
    return connection;
  }

  async closeAll(): Promise<void> {
    for (const connection of this.opened) {
      await withTimeout(closeNativeConnection(connection), CLOSE_TIMEOUT_MS, 'NativeConnection.close()').catch((error: unknown) =>
        this.recorder.step(`${errorText(error)}: the failed worker still holds it`, 'WARN'),
      );
    }
  }
}
