/**
 * `validate --hold DURATION`: the user's setup held for a while, through their real network.
 * A client and a worker, each in a process of its own with the SDK's logs recorded (the held
 * cells of the lifetime family, stacks/held/), connect with the user's settings: the worker polls
 * a task queue of its own, the client awaits a workflow that sleeps through the hold; then a
 * workflow runs through both. Beside them, the harness times long polls of its own on another
 * empty queue, so that a proxy that cuts them shows even when the SDKs say nothing.
 *
 * Every event is reported as it happens; at the end (or at Ctrl-C), each cause seen is named
 * with when it first came, how often, at what interval, and its fix.
 */
import { randomUUID } from 'node:crypto';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { errorText } from '../diagnosis/classify';
import type { DiagnosisCode } from '../diagnosis/codes';
import { diagnoseAttempt } from '../diagnosis/diagnose';
import { redactKeyMaterial } from '../diagnosis/redact';
import { classifyTimeline, lastCauseBefore, mergeTimeline } from '../diagnosis/timeline';
import { HarnessNotes, HELD_CELL_VARIABLES, Hold } from '../matrix/held-cell';
import { STACKS, type Stack } from '../model/stack';
import type { Timeline, TimelineEvent } from '../model/timeline';
import { ensureWorkflowBundle } from '../stacks/bundle';
import type { ConnectionUnderTest, StackAttempt } from '../stacks/cell';
import { CHILD_CELL_TIMEOUT_MS, runCellInChild } from '../stacks/child/child-cell';
import { Counterparts, type ServerAccess } from '../stacks/counterparts';
import { connectClosingAfterRetries } from '../stacks/retry-timers';
import { contextOf, evidenceOf, type ProbeTarget } from './probe';

/** Longer than any server's long poll (the worker's 70 s), so that the server ends ours, unless something between cuts it. */
const OWN_POLL_DEADLINE_MS = 90_000;
/** A poll that failed at once (a refusal) is tried again after this, not in a tight loop. */
const OWN_POLL_PAUSE_MS = 1000;

export interface HoldOptions {
  durationMs: number;
  /** Each event, as it happens. */
  onEvent?: (event: TimelineEvent) => void;
}

export interface HeldStack {
  stack: Stack;
  actual: 'ok' | 'fail';
  diagnosis: DiagnosisCode | null;
  /** What the stack said of its failure beyond the error (a worker that FAILED, what run() did). */
  detail: string | null;
  /** The error the application met, redacted. */
  error: string | null;
}

export interface HoldReport {
  /** The prefix of the task queues it used: its workers' and its own long polls'. */
  taskQueue: string;
  timeline: Timeline;
  stacks: HeldStack[];
}

/** Hold `target` for `durationMs`; resolves with every event, each classified, and each stack's verdict. */
export async function holdConnection(target: ProbeTarget, options: HoldOptions): Promise<HoldReport> {
  const startedAt = Date.now();
  const taskQueue = `temporal-tls-harness-hold-${randomUUID().slice(0, 8)}`;
  const notes = new HarnessNotes();
  const seen: TimelineEvent[] = [];
  const report = async (event: TimelineEvent) => {
    seen.push(event);
    options.onEvent?.(event);
  };
  const bundle = await ensureWorkflowBundle();
  const counterparts = new Counterparts(userAccess(target), bundle, taskQueue);
  const stopPolling = new AbortController();
  try {
    const polling = timeOwnLongPolls(target, `${taskQueue}-own-polls`, stopPolling.signal, report);
    const attempts = await Promise.all(
      STACKS.map((stack) => {
        const hold = new Hold({ seconds: options.durationMs / 1000 }, target.tls, undefined, notes, () => undefined);
        const harness = { ...counterparts.harnessSide(), hold: () => hold.next(), report };
        return runCellInChild(stack, heldTarget(target, options.durationMs), harness, bundle, {
          env: { ...definedVariables(process.env), ...HELD_CELL_VARIABLES },
          timeoutMs: CHILD_CELL_TIMEOUT_MS + options.durationMs,
        });
      }),
    );
    stopPolling.abort();
    const own = await polling;
    const timeline = mergeTimeline(startedAt, ...attempts.map((attempt) => attempt.timeline ?? []), notes.events, own);
    return { taskQueue, timeline: classified(timeline, target), stacks: await Promise.all(STACKS.map((stack, i) => verdict(stack, attempts[i], target, timeline))) };
  } finally {
    stopPolling.abort();
    await counterparts.close();
  }
}

/** The events seen so far, for a summary after Ctrl-C: classified as at the end. */
export function soFar(events: TimelineEvent[], startedAt: number, target: ProbeTarget): Timeline {
  return classified(mergeTimeline(startedAt, events), target);
}

function heldTarget(target: ProbeTarget, durationMs: number): ConnectionUnderTest {
  const { address, namespace, tls, apiKey } = target;
  return { address, namespace, tls, ...(apiKey === undefined ? {} : { apiKey }), hold: { client: 'awaiting-result', workflowSleepMs: durationMs } };
}

/** Each event read as the classifier reads a held cell's, with what the user's setup says of itself. */
function classified(timeline: Timeline, target: ProbeTarget): Timeline {
  return classifyTimeline(timeline, (at) => ({ ...contextOf('worker', target), at }));
}

async function verdict(stack: Stack, attempt: StackAttempt, target: ProbeTarget, timeline: Timeline): Promise<HeldStack> {
  const context = contextOf(stack, target);
  const { error, cause, diagnosis: named } = await diagnoseAttempt(attempt, context, evidenceOf(stack, target, context));
  const diagnosis = named === 'TIMEOUT' ? (lastCauseBefore(classified(timeline, target), Date.now()) ?? named) : named;
  return { stack, actual: diagnosis ? 'fail' : 'ok', diagnosis, detail: attempt.detail ?? null, error: [error, cause].filter(Boolean).join(' | ') || null };
}

/**
 * Long polls of the harness's own on an empty queue, one after the other, until stopped: each
 * should last as long as the server holds it (about a minute), and any that ends sooner with an
 * error was cut by something between. No retries: each attempt is seen for what it is.
 */
async function timeOwnLongPolls(target: ProbeTarget, taskQueue: string, stop: AbortSignal, report: (event: TimelineEvent) => Promise<void>): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  const say = (text: string, level: string) => {
    const event = { at: Date.now(), by: 'own-poll', text: redactKeyMaterial(text), level };
    events.push(event);
    void report(event);
  };
  const connection = Connection.lazy({ ...clientOptions(target), interceptors: [] });
  try {
    while (!stop.aborted) {
      const began = Date.now();
      try {
        await connection.withAbortSignal(stop, () =>
          connection.withDeadline(began + OWN_POLL_DEADLINE_MS, () =>
            connection.workflowService.pollWorkflowTaskQueue({ namespace: target.namespace, taskQueue: { name: taskQueue }, identity: 'temporal-tls-harness validate --hold' }),
          ),
        );
        say(`our own long poll (PollWorkflowTaskQueue) returned empty after ${seconds(began)} s: the server ended it, nothing between cut it`, 'INFO');
      } catch (error) {
        if (stop.aborted) break;
        say(`our own long poll (PollWorkflowTaskQueue) ended after ${seconds(began)} s: ${errorText(error)}`, 'WARN');
        await new Promise((resolve) => setTimeout(resolve, OWN_POLL_PAUSE_MS));
      }
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return events;
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

function clientOptions(target: ProbeTarget): ConnectionOptions {
  return { address: target.address, tls: target.tls, ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }) };
}

/** The harness's side of the hold (the worker that runs the client's workflows, the client that starts the worker's), with the user's own settings. */
function userAccess(target: ProbeTarget): ServerAccess {
  return {
    connect: () => connectClosingAfterRetries(clientOptions(target)),
    connectNative: () => NativeConnection.connect({ address: target.address, tls: target.tls, ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }) }),
  };
}

function definedVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
