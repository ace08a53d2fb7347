/**
 * The entry of a child-process cell: runs the same client or worker stack code as an in-process
 * cell, in a process started with the environment the scenario names, and sends the attempt
 * back. The harness's side (its worker and client) stays in the parent and is reached over IPC.
 *
 * Only the SDK's public API is used here and in the stack code, and `@temporalio/*` can be
 * resolved from another folder (`sdkDir`), so an older SDK release can be loaded instead.
 */
import semver from 'semver';
import type { Stack } from '../../model/stack';
import type { ConnectionUnderTest, HarnessSide, StackAttempt } from '../cell';
import { resolveSdkFrom } from './sdk-resolution';
import { attemptToWire, fromWire, withBuffers, type ChildTask, type HarnessMethod, type ToChild, type ToParent } from './wire';

const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
let nextId = 0;

function send(message: ToParent): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

/** The harness's side as task `taskId` reaches it: each call goes to the parent, tagged with the task. */
function harnessFor(taskId: number): HarnessSide {
  const call = (method: HarnessMethod, ...args: unknown[]): Promise<never> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      void send({ type: 'call', taskId, id, method, args });
    });
  };
  return {
    counterpartQueue: (...args) => call('counterpartQueue', ...args),
    counterpartReady: (...args) => call('counterpartReady', ...args),
    workflowTaskFailure: (...args) => call('workflowTaskFailure', ...args),
    runWorkflow: (...args) => call('runWorkflow', ...args),
    checkEncryptedAtRest: (...args) => call('checkEncryptedAtRest', ...args),
    injectFault: () => call('injectFault'),
    connecting: () => call('connecting'),
    hold: () => call('hold'),
    report: (...args) => call('report', ...args),
  };
}

/** The folder `@temporalio/*` is resolved from, once per process (a shared child gets it with every task). */
let sdkDirInUse: string | undefined;
function useSdkFrom(sdkDir: string): void {
  if (sdkDirInUse === sdkDir) return;
  if (sdkDirInUse !== undefined) throw new Error(`this child loads the SDK from ${sdkDirInUse}, not ${sdkDir}`);
  resolveSdkFrom(sdkDir);
  sdkDirInUse = sdkDir;
}

/**
 * Connection options the stack code passes that older releases do not have (measured in their
 * type declarations). Such a release would ignore the option and silently test another setup,
 * so the cell refuses to run instead.
 */
const OPTIONS_SINCE = { apiKey: '1.10.0', proxy: '1.10.0' } as const;

function missingOption(target: ConnectionUnderTest): StackAttempt | undefined {
  const version: string = require('@temporalio/worker/package.json').version;
  const option = (Object.keys(OPTIONS_SINCE) as (keyof typeof OPTIONS_SINCE)[]).find(
    (name) => target[name] !== undefined && semver.lt(version, OPTIONS_SINCE[name]),
  );
  if (!option) return undefined;
  const error = new Error(`SDK ${version} has no "${option}" connection option (added in ${OPTIONS_SINCE[option]}): this setup cannot run on that release`);
  return { error, stage: 'configure' };
}

/** The stack modules are required only now, after the SDK's folder is known, and only the one needed. */
async function run(message: ChildTask & { taskId: number }): Promise<StackAttempt> {
  if (message.sdkDir) useSdkFrom(message.sdkDir);
  if (message.type === 'load') {
    for (const stack of message.stacks) loadStack(stack);
    return { error: null };
  }
  const unsupported = message.type === 'run' ? missingOption(message.target) : undefined;
  if (unsupported) return unsupported;
  if (message.type === 'probe') {
    const { STACK_PROBES }: typeof import('../../validate/stack-probes') = require('../../validate/stack-probes');
    return STACK_PROBES[message.stack](withBuffers(message.target));
  }
  const target = withBuffers(message.target);
  const harness = harnessFor(message.taskId);
  if (target.hold) return timed(HELD_STACKS[message.stack](), target, harness, message.workflowBundlePath);
  // The SDK is loaded before the clock starts, as an application has it loaded before it connects.
  if (message.stack === 'client') return timed(loadStack('client').runClientCell, target, harness);
  return timed(loadStack('worker').runWorkerCell, target, harness, message.workflowBundlePath);
}

async function timed<Args extends unknown[]>(stack: (...args: Args) => Promise<StackAttempt>, ...args: Args): Promise<StackAttempt> {
  const begin = performance.now();
  const attempt = await stack(...args);
  return { ...attempt, ms: Math.round(performance.now() - begin) };
}

type HeldStack = (target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string) => Promise<StackAttempt>;

/**
 * A held cell (family lifetime) has this process to itself: it installs its own SDK Runtime and
 * grpc-js logger, which record onto its timeline (stacks/held/sdk-logs.ts).
 */
const HELD_STACKS: Record<Stack, () => HeldStack> = {
  client: () => require('../held/held-client').runHeldClientCell,
  worker: () => require('../held/held-worker').runHeldWorkerCell,
};

function loadStack(stack: 'client'): typeof import('../client-stack');
function loadStack(stack: 'worker'): typeof import('../worker-stack');
function loadStack(stack: Stack): object;
function loadStack(stack: Stack): object {
  if (stack === 'client') return require('../client-stack');
  const { installQuietRuntime }: typeof import('../runtime') = require('../runtime');
  installQuietRuntime();
  return require('../worker-stack');
}

process.on('message', (message: ToChild) => {
  if (message.type === 'reply') {
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiting?.reject(fromWire(message.error));
    else waiting?.resolve(withBuffers(message.value));
    return;
  }
  void run(message)
    .catch((error: unknown): StackAttempt => ({ error, stage: 'configure' }))
    .then((attempt) => send({ type: 'done', taskId: message.taskId, attempt: attemptToWire(attempt) }))
    // The SDK's runtime would keep the process up; a one-task child ends once its answer is sent.
    .finally(() => message.keepAlive || process.exit(0));
});
