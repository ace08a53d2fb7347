/** What both stacks share: the connection under test, the workflow's expected result, timers. */
import type { Client, TLSConfig, WorkflowHandle } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { CodecChoice } from '../matrix/scenario';
import { ENCRYPTED_ENCODING } from './encryption-codec';

/** A connection as the application under test would configure it. */
export interface ConnectionUnderTest {
  address: string;
  tls: TLSConfig | false;
  namespace?: string;
  /** The codec of the stack under test, when the scenario uses encryption. */
  codec?: PayloadCodec;
  /** Which codec the other side needs: the shared one whenever the scenario uses encryption. */
  codecChoice?: CodecChoice;
  verifyEncryptedAtRest?: boolean;
}

/** Where a cell failed, which tells the classifier what kind of error it is looking at. */
export type Stage = 'configure' | 'connect' | 'worker' | 'workflow' | 'verify';

export interface StackAttempt {
  error: unknown;
  /** A reason found by a second, non-retrying look (client stack). */
  cause?: unknown;
  stage?: Stage;
}

export const OK: StackAttempt = { error: null };

/**
 * Deadlines. No cell waits for an SDK default (10 s connect timeout, 10 retries); the generous
 * ones bound only what is expected to succeed, so a busy machine does not turn ok into a failure.
 */
export const TIMEOUTS = {
  /** A connect expected to succeed (client), or any native connect (it can hang on a silent peer). */
  connectMs: 5000,
  /** The client's connect once the probe has failed: it can only fail, and its words do not depend on this. */
  connectAfterFailedProbeMs: 500,
  probeMs: 3000,
  workflowMs: 5000,
};

export class CellTimeoutError extends Error {
  override readonly name = 'CellTimeoutError';
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
export async function awaitResult(handle: WorkflowHandle, observer: Client): Promise<unknown> {
  let settled = false;
  const longPoll = new AbortController();
  const result = handle.client.connection.withAbortSignal(longPoll.signal, () => handle.result());
  const watcher = (async (): Promise<never> => {
    const watched = observer.workflow.getHandle(handle.workflowId);
    while (!settled) {
      const history = await watched.fetchHistory().catch(() => undefined);
      const failed = history?.events?.find((event) => event.workflowTaskFailedEventAttributes);
      const message = failed?.workflowTaskFailedEventAttributes?.failure?.message;
      if (message) throw new Error(`the worker failed the workflow task: ${message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return new Promise<never>(() => undefined);
  })();
  try {
    return await withTimeout(Promise.race([result, watcher]), TIMEOUTS.workflowMs, 'the workflow');
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

/** Every payload the server stored for the run must be ciphertext that does not contain the plaintext. */
export async function checkEncryptedAtRest(observer: Client, workflowId: string): Promise<void> {
  const history = await observer.workflow.getHandle(workflowId).fetchHistory();
  const payloads = (history.events ?? []).flatMap((event) => [
    ...(event.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
    ...(event.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
    ...(event.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
    ...(event.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
  ]);
  if (payloads.length < 4) throw new Error(`expected at least 4 stored payloads, found ${payloads.length}`);
  for (const payload of payloads) {
    const encoding = Buffer.from(payload.metadata?.encoding ?? []).toString();
    if (encoding !== ENCRYPTED_ENCODING) throw new Error(`a stored payload has encoding "${encoding}", not ${ENCRYPTED_ENCODING}`);
    if (Buffer.from(payload.data ?? []).includes(GREETING_NAME)) throw new Error('a stored payload contains the plaintext');
  }
}
