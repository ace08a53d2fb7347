/**
 * The worker stack over time (family lifetime): connect as the application does, create a worker
 * on a task queue of its own and execute a workflow the harness starts; then keep polling the
 * empty queue while the harness lets time pass (and does what the scenario has happen), replacing
 * the connection when told to; then execute a workflow again. Everything the SDK logged and every
 * call's outcome goes on the timeline, with its time.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { errorText } from '../../diagnosis/classify';
import * as activities from '../activities';
import { checkGreeting, ConnectionUnderTest, HarnessSide, HoldDirective, StackAttempt, TIMEOUTS, withTimeout } from '../cell';
import { closeNativeConnection } from '../worker-stack';
import { Recorder } from './recorder';
import { installRecordingRuntime } from './sdk-logs';

export async function runHeldWorkerCell(target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string): Promise<StackAttempt> {
  const recorder = new Recorder('worker');
  installRecordingRuntime(recorder);
  const attempt = await heldWorker(target, harness, workflowBundlePath, recorder);
  return { ...attempt, timeline: recorder.events };
}

async function heldWorker(target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string, recorder: Recorder): Promise<StackAttempt> {
  const connections: NativeConnection[] = [];
  const connect = async (tls: ConnectionUnderTest['tls']) => {
    const connection = await withTimeout(NativeConnection.connect(nativeOptions(target, tls)), TIMEOUTS.connectMs, 'NativeConnection.connect');
    connections.push(connection);
    return connection;
  };
  try {
    try {
      await connect(target.tls);
      recorder.record('NativeConnection.connect succeeded');
    } catch (error) {
      recorder.record(`NativeConnection.connect failed: ${errorText(error)}`, 'ERROR');
      return { error, stage: 'connect' };
    }
    const namespace = target.namespace ?? 'default';
    const taskQueue = `held-worker-${randomUUID()}`;
    const worker = await Worker.create({
      connection: connections[0],
      namespace,
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath },
      activities,
      ...(target.hold?.workerOptions ?? {}),
    });
    const running = watchRun(worker, recorder);
    try {
      let holdStarted = Date.now();
      const workflow = async (label: string) => {
        const workflowId = `held-worker-${label}-${randomUUID()}`;
        checkGreeting(await harness.runWorkflow({ namespace, encrypted: false, taskQueue, workflowId }));
        recorder.record(`the ${label} workflow completed`);
      };
      const failedAt = (stage: 'workflow' | 'after-hold') => (error: unknown) => {
        recorder.record(`the ${stage === 'workflow' ? 'first' : 'next'} workflow failed: ${errorText(error)}`, 'ERROR');
        return { error, stage, cause: recorder.lastProblem(holdStarted) };
      };
      try {
        await workflow('first');
      } catch (error) {
        return failedAt('workflow')(error);
      }
      holdStarted = Date.now();
      recorder.record('holding: the worker polls its empty task queue');
      for (;;) {
        const next = await Promise.race([harness.hold(), running.failed.then((): HoldDirective => ({ then: 'end' }))]);
        if (next.then === 'end') break;
        if (!canReplaceConnection()) {
          return { error: new Error('this SDK release cannot replace a running worker\'s connection (worker.connection = ..., added in 1.15.0)'), stage: 'configure' };
        }
        worker.connection = await connect(next.tls);
        recorder.record('the worker now uses a new NativeConnection (worker.connection = ...) with the renewed certificate');
      }
      const failure = running.failure();
      if (failure) return { error: failure, stage: 'hold' };
      recorder.record(`the hold is over (worker state ${worker.getState()}): the next workflow`);
      try {
        await workflow('next');
      } catch (error) {
        return failedAt('after-hold')(error);
      }
      return { error: null };
    } finally {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.done;
    }
  } catch (error) {
    return { error, stage: 'worker' };
  } finally {
    for (const connection of connections) await closeNativeConnection(connection);
  }
}

function nativeOptions(target: ConnectionUnderTest, tls: ConnectionUnderTest['tls']) {
  return {
    address: target.address,
    ...(tls === undefined ? {} : { tls }),
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
  };
}

/** `worker.connection = ...` has a setter from SDK 1.15 on; before, the assignment would silently do nothing. */
function canReplaceConnection(): boolean {
  return Object.getOwnPropertyDescriptor(Worker.prototype, 'connection')?.set !== undefined;
}

/** worker.run(), with when and how it ended on the timeline: whether a failure reached the application. */
function watchRun(worker: Worker, recorder: Recorder) {
  let failure: unknown;
  let markFailed: () => void = () => undefined;
  const failed = new Promise<void>((resolve) => (markFailed = resolve));
  const done = worker.run().then(
    () => recorder.record('worker.run() resolved'),
    (error: unknown) => {
      failure = error;
      recorder.record(`worker.run() rejected: ${errorText(error)}`, 'ERROR');
      markFailed();
    },
  );
  return { failed, done, failure: () => failure };
}
