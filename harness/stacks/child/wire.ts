/**
 * What crosses the IPC channel between the harness and a cell in a child process: the cell to
 * run, calls to the harness's side and their answers, and the attempt that comes back. Errors are
 * sent as their name, message, gRPC code and details, and cause chain, which is what the
 * classifier reads (diagnosis/classify.ts `errorText`), and rebuilt as Errors on the other side.
 */
import type { Stack } from '../../model/stack';
import type { StackProbeTarget } from '../../validate/stack-probes';
import type { ConnectionUnderTest, HarnessSide, Stage, StackAttempt } from '../cell';
import type { TimelineEvent } from '../../model/timeline';

/** How deep a cause chain is kept; errorText reads five levels. */
const CAUSE_DEPTH = 8;

export type WireValue = { error: WireError } | { text: string } | null;

export interface WireError {
  name: string;
  message: string;
  /** A gRPC status code (ServiceError) or a Node error code such as ECONNREFUSED. */
  code?: string | number;
  /** A gRPC status's details. */
  details?: string;
  cause?: WireValue;
}

export interface WireAttempt {
  error: WireValue;
  cause?: WireValue;
  stage?: Stage;
  ms?: number;
  /** Plain data already: crosses as it is. */
  timeline?: TimelineEvent[];
  detail?: string;
}

export type HarnessMethod = keyof HarnessSide;

/** What a child is asked to do: a cell, `validate`'s probe of one stack, or loading stacks ahead of their cells. */
export type ChildTask =
  | { type: 'run'; stack: Stack; target: ConnectionUnderTest; workflowBundlePath: string; sdkDir?: string }
  | { type: 'probe'; stack: Stack; target: StackProbeTarget; sdkDir?: string }
  | { type: 'load'; stacks: Stack[]; sdkDir?: string };

/**
 * Parent to child. A task carries its id, which the child's calls and its answer carry back (a
 * shared child runs several at once); `keepAlive` keeps the child up after it, for the next.
 */
export type ToChild = (ChildTask & { taskId: number; keepAlive: boolean }) | { type: 'reply'; id: number; value?: unknown; error?: WireValue };

/** Child to parent. */
export type ToParent =
  | { type: 'call'; taskId: number; id: number; method: HarnessMethod; args: unknown[] }
  | { type: 'done'; taskId: number; attempt: WireAttempt };

export function toWire(value: unknown, depth = 0): WireValue {
  if (value === null || value === undefined) return null;
  if (!(value instanceof Error)) return { text: String(value) };
  const { code, details, cause } = value as { code?: unknown; details?: unknown; cause?: unknown };
  return {
    error: {
      name: value.name,
      message: value.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(typeof details === 'string' ? { details } : {}),
      ...(cause !== undefined && depth < CAUSE_DEPTH ? { cause: toWire(cause, depth + 1) } : {}),
    },
  };
}

/** An error rebuilt from the other process: same name, message, code, details and causes. */
export class ErrorFromCell extends Error {}

export function fromWire(wire: WireValue | undefined): unknown {
  if (!wire) return wire === null ? null : undefined;
  if ('text' in wire) return wire.text;
  const { name, message, code, details, cause } = wire.error;
  const error = new ErrorFromCell(message, cause === undefined ? undefined : { cause: fromWire(cause) });
  Object.defineProperty(error, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  Object.assign(error, code === undefined ? {} : { code }, details === undefined ? {} : { details });
  return error;
}

export function attemptToWire(attempt: StackAttempt): WireAttempt {
  return {
    error: toWire(attempt.error),
    ...(attempt.cause ? { cause: toWire(attempt.cause) } : {}),
    ...(attempt.stage ? { stage: attempt.stage } : {}),
    ...(attempt.ms !== undefined ? { ms: attempt.ms } : {}),
    ...(attempt.timeline ? { timeline: attempt.timeline } : {}),
    ...(attempt.detail ? { detail: attempt.detail } : {}),
  };
}

export function attemptFromWire(wire: WireAttempt): StackAttempt {
  return {
    error: fromWire(wire.error),
    ...(wire.cause ? { cause: fromWire(wire.cause) } : {}),
    ...(wire.stage ? { stage: wire.stage } : {}),
    ...(wire.ms !== undefined ? { ms: wire.ms } : {}),
    ...(wire.timeline ? { timeline: wire.timeline } : {}),
    ...(wire.detail ? { detail: wire.detail } : {}),
  };
}

/** IPC turns Buffers into Uint8Arrays; the SDK's native side wants Buffers back. */
export function withBuffers<T>(value: T): T {
  if (value instanceof Uint8Array) return Buffer.from(value) as T;
  if (Array.isArray(value)) return value.map(withBuffers) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withBuffers(inner)])) as T;
  }
  return value;
}
