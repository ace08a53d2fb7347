/** What both stacks share: the connection under test, the workflow's expected result, timers. */
import type { TLSConfig, WorkflowHandle } from '@temporalio/client';
import type { CodecChoice, NextWorkflow } from '../matrix/scenario';
import type { Stack } from '../model/stack';
import type { TimelineEvent } from '../model/timeline';

/**
 * A connection as the application under test would configure it. Plain data (the codec is named,
 * not given), so it can be handed to a cell in a child process.
 */
export interface ConnectionUnderTest {
  address: string;
  /** Undefined: not given to the SDK (which then turns TLS on if apiKey is set). */
  tls?: TLSConfig | false;
  apiKey?: string;
  /** A key to switch to with setApiKey, after one call with `apiKey` was refused. */
  rotateApiKeyTo?: string;
  namespace?: string;
  /** The codec of the stack under test (see codecFor); the other side then has the shared one. */
  codecChoice?: CodecChoice;
  verifyEncryptedAtRest?: boolean;
  /**
   * An HTTP CONNECT proxy (`host:port`) set in the application's options: the worker's
   * `proxy: { type: 'http-connect' }`, the client's `grpc.http_proxy` channel argument.
   */
  proxy?: string;
  /**
   * The shape of a cell with a fault between its workflows (scenario.fault): a workflow, then
   * {@link HarnessSide.injectFault}, the next workflow on the same connection (and worker), then a
   * new connection with the same options, whose outcome ends the cell.
   */
  faultBetweenWorkflows?: boolean;
  /**
   * Client only, for the bench: connect and run the workflow as an application with the SDK's
   * defaults would (its 10 s connect timeout and retries, no probe), and report what it reports
   * and when, instead of the harness's verdict.
   */
  sdkDefaults?: boolean;
  /**
   * Hold the connection after its first workflow (family lifetime): the cell records a timeline,
   * asks the harness's side to {@link HarnessSide.hold}, then runs a workflow again.
   */
  hold?: HoldPlan;
}

/** What the stack does while its connection is held. */
export interface HoldPlan {
  /**
   * The client meanwhile: `idle`, or `awaiting-result` of a workflow that outlives the hold (its
   * result is a long poll too). The worker always polls its empty task queue.
   */
  client: 'idle' | 'awaiting-result';
  /** How long the workflow the client awaits sleeps (the hold's length). */
  workflowSleepMs: number;
  /** Worker options the scenario sets, such as autoscaling pollers. */
  workerOptions?: { workflowTaskPollerBehavior?: { type: 'autoscaling' } };
  /** What the workflow after the hold carries (default: the greeting). */
  next?: NextWorkflow;
  /** How long the workflow after the hold may take (default TIMEOUTS.workflowMs). */
  nextWorkflowMs?: number;
}

/** A workflow to start: its type and arguments, and the result it must return. */
export interface WorkflowCall {
  type: string;
  args: unknown[];
  expected: unknown;
}

/** The workflow a cell runs: the greeting, or one with the large messages `next` names, sent by `sender`. */
export function workflowCall(next: NextWorkflow | undefined, sender: Stack): WorkflowCall {
  if (!next) return { type: 'greetingWorkflow', args: [GREETING_NAME], expected: EXPECTED_GREETING };
  if ('payloadBytes' in next) {
    const bytes = next.payloadBytes;
    return sender === 'client'
      ? { type: 'payloadWorkflow', args: ['x'.repeat(bytes), 0, 0], expected: bytes }
      : { type: 'payloadWorkflow', args: ['', bytes, 1], expected: bytes };
  }
  const { activities, bytes } = next.historyOf;
  return { type: 'payloadWorkflow', args: ['', bytes, activities], expected: activities * bytes };
}

export function checkResult(call: WorkflowCall, result: unknown): void {
  if (result !== call.expected) {
    throw new Error(`the workflow returned ${JSON.stringify(result)?.slice(0, 80)} instead of ${JSON.stringify(call.expected)?.slice(0, 80)}`);
  }
}

/** What the harness's side tells a holding stack to do next. */
export type HoldDirective =
  /** The hold is over: run the workflow again. */
  | { then: 'end' }
  /** Replace the connection with a new one made with these TLS options (a renewed certificate), then hold on. */
  | { then: 'reconnect'; tls: TLSConfig };

/**
 * The harness's own worker and client as the stack under test sees them. Behind it is
 * {@link Counterparts} in the harness's process; a cell in a child process reaches the same
 * object over IPC, so the stack code is the same wherever it runs.
 */
export interface HarnessSide {
  /** The task queue the harness's worker for `namespace` polls (with the shared codec if `encrypted`). */
  counterpartQueue(namespace: string, encrypted: boolean): Promise<string>;
  /** Start that worker, on first call. Callers start their workflow first (see Counterparts). */
  counterpartReady(namespace: string, encrypted: boolean): Promise<void>;
  /** The message of the first failed workflow task of the run so far, if any. */
  workflowTaskFailure(namespace: string, workflowId: string): Promise<string | undefined>;
  /** Start the workflow on `taskQueue` with the harness's client and await its result (worker cells); the greeting unless `workflow` names another. */
  runWorkflow(request: { namespace: string; encrypted: boolean; taskQueue: string; workflowId: string; workflow?: Omit<WorkflowCall, 'expected'>; timeoutMs?: number }): Promise<unknown>;
  /** Every payload the server stored for the run is ciphertext without the plaintext; throws otherwise. */
  checkEncryptedAtRest(namespace: string, workflowId: string): Promise<void>;
  /** Do the cell's fault to the server now; resolves once it is in place. */
  injectFault(): Promise<void>;
  /**
   * The stack is about to connect for the first time: a fault timed from that moment (a server
   * that starts late) starts its clock now, not when the cell's process began to load.
   */
  connecting(): Promise<void>;
  /**
   * The stack holds its connection now (ConnectionUnderTest.hold): the harness does what the
   * scenario has happen meanwhile, and answers with what the stack must do next.
   */
  hold(): Promise<HoldDirective>;
  /** An event of a held cell's timeline, as it happens (`validate --hold` prints it at once). */
  report(event: TimelineEvent): Promise<void>;
}

/** Where a cell failed, which tells the classifier what kind of error it is looking at. */
export type Stage =
  | 'configure'
  | 'connect'
  | 'worker'
  | 'workflow'
  | 'verify'
  /** While the connection was held: a call failed (a poll, a result's long poll). */
  | 'hold'
  /** The workflow after the hold. */
  | 'after-hold';

export interface StackAttempt {
  error: unknown;
  /** A reason found by a second, non-retrying look (client stack). */
  cause?: unknown;
  stage?: Stage;
  /**
   * How long the stack took, from its first call to the SDK to this outcome, measured where it
   * ran (a child measures its own, so that starting it and loading the SDK are not counted).
   */
  ms?: number;
  /** What the stack logged and its calls returned over time, for a held connection. */
  timeline?: TimelineEvent[];
  /** What the stack can say of its failure that the error does not (a held worker: when it failed, what run() did). */
  detail?: string;
}

export const OK: StackAttempt = { error: null };

/**
 * Deadlines. No failing cell whose cause the probe found waits for an SDK default (10 s connect
 * timeout, 10 retries); the generous ones bound only what is expected to succeed, so a busy
 * machine does not turn ok into a failure (two whole matrices at once on 2 cores took a plain
 * TLS connect past 3 s of probe and 5 s of connect).
 */
export const TIMEOUTS = {
  /** A connect expected to succeed (client), or any native connect (it can hang on a silent peer). */
  connectMs: 10_000,
  /** The client's connect once the probe has been refused over a working channel: long enough to hear the server's words. */
  connectAfterFailedProbeMs: 500,
  /** The client's connect once the probe's channel never became ready: it can only fail, in words that do not depend on this. */
  connectWithoutChannelMs: 100,
  probeMs: 3000,
  workflowMs: 15_000,
};

export class CellTimeoutError extends Error {
  override readonly name = 'CellTimeoutError';
}

/** A connection that a server enforcing mTLS must refuse got in: the server does not ask for client certificates. */
export class ClientAuthNotEnforcedError extends Error {
  override readonly name = 'ClientAuthNotEnforcedError';
}

/** A connection worked, to a server whose own worker cannot reach it: not a pass. */
export class ServerDegradedError extends Error {
  override readonly name = 'ServerDegradedError';
}

/** Race `promise` against a timer; native connects can hang forever on a silent peer. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CellTimeoutError(`${what} did not settle within ${ms}ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const PERMISSION_DENIED = 7;
const isRefused = (error: unknown) => (error as { code?: number }).code === PERMISSION_DENIED;

/**
 * GetSystemInfo is exempt from authorization, so only the claim mapper (the token itself) can
 * refuse it; the worker stack says "Failed to call GetSystemInfo", and the client's own words are
 * made to say the same, whatever Connection.connect reports meanwhile.
 */
export function refusalAtConnect(error: unknown): unknown {
  return isRefused(error) ? new Error('Failed to call GetSystemInfo', { cause: error }) : error;
}

/**
 * Before a key rotation: one call with the first key, which must be refused, so that the cell's
 * success after `setApiKey` shows that the new key is the one in use.
 */
export async function expectRefusedBeforeRotation(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isRefused(error)) return;
    throw error;
  }
  throw new Error('the call with the key before rotation was not refused, so the rotation would prove nothing');
}

/**
 * A worker whose key may not poll passes Worker.create (DescribeNamespace needs only read), and
 * sdk-core then retries its refused polls for 60 s before the worker fails. One poll of the
 * cell's own, on the same connection, settles it at once: refused, or (allowed) rejected by the
 * server for a deadline too short to hold a long poll.
 */
export async function checkPollAllowed(poll: () => Promise<unknown>): Promise<void> {
  try {
    await poll();
  } catch (error) {
    if (isRefused(error)) {
      throw new Error("the worker's first poll (PollWorkflowTaskQueue) was refused; sdk-core would retry it for 60 s", { cause: error });
    }
  }
}

export const GREETING_NAME = 'Temporal TLS harness';
export const EXPECTED_GREETING = `Hello, ${GREETING_NAME}!`;

/**
 * The workflow's result, or the reason it will never come: a workflow task that fails (for
 * instance a worker that cannot decode the payloads) is retried forever, so the history is
 * watched for the failure instead of waiting for a timeout.
 *
 * When the failure wins, the result's long-poll is cancelled: left in flight, it would outlive
 * its connection, and grpc-js's retry timer would then call into a closed channel and crash.
 */
export async function awaitResult(handle: WorkflowHandle, taskFailure: () => Promise<string | undefined>, timeoutMs = TIMEOUTS.workflowMs): Promise<unknown> {
  let settled = false;
  const longPoll = new AbortController();
  const result = handle.client.connection.withAbortSignal(longPoll.signal, () => handle.result());
  const watcher = (async (): Promise<never> => {
    while (!settled) {
      const message = await taskFailure().catch(() => undefined);
      if (message) throw new Error(`the worker failed the workflow task: ${message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new Promise<never>(() => undefined);
  })();
  try {
    return await withTimeout(Promise.race([result, watcher]), timeoutMs, 'the workflow');
  } finally {
    settled = true;
    longPoll.abort();
  }
}

export function checkGreeting(result: unknown): void {
  if (result !== EXPECTED_GREETING) {
    throw new Error(`the workflow returned ${JSON.stringify(result)} instead of ${JSON.stringify(EXPECTED_GREETING)}`);
  }
}
