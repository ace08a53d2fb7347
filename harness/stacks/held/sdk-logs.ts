/**
 * What the SDKs log, onto a held cell's timeline. A held cell runs in a process of its own (see
 * matrix/held-cell.ts): the worker's Runtime and grpc-js's logger are one per process.
 *
 * The worker's Runtime logger receives core's logs too (forwarded). Kept: everything at WARN and
 * above, the worker's state changes, and core's DEBUG line for a call that failed on its first
 * attempt. That last one is how a cut poll shows: sdk-core retries it and logs nothing at WARN
 * until a call has failed several times in a row (measured: SDK 1.24.0, a poll cut every 5 s by
 * a proxy, no WARN line in 20 s).
 */
import type { Recorder } from './recorder';

/** Core's retrying client; crate names changed between releases (temporal_client, temporalio_client). */
const CORE_FILTER = 'warn,temporal_client::retry=debug,temporalio_client::retry=debug';

interface Entry {
  level: string;
  message: string;
  meta?: Record<string, unknown>;
}

/** Whether a log entry belongs on the timeline (see the file's comment). */
export function worthRecording({ level, message }: Entry): boolean {
  return level === 'WARN' || level === 'ERROR' || message === 'Worker state changed' || /failed on first attempt/.test(message);
}

export function entryText({ message, meta }: Entry): string {
  const detail = meta?.state ?? meta?.error;
  return detail === undefined ? message : `${message}: ${String(detail)}`;
}

/** Install the worker SDK's Runtime so that its logs (and core's) land on `recorder`'s timeline. */
export function installRecordingRuntime(recorder: Recorder): void {
  const { Runtime }: typeof import('@temporalio/worker') = require('@temporalio/worker');
  const log = (level: string, message: string, meta?: Record<string, unknown>) => {
    if (worthRecording({ level, message, meta })) recorder.record(entryText({ level, message, meta }), level);
  };
  const logger = {
    log,
    trace: (message: string, meta?: Record<string, unknown>) => log('TRACE', message, meta),
    debug: (message: string, meta?: Record<string, unknown>) => log('DEBUG', message, meta),
    info: (message: string, meta?: Record<string, unknown>) => log('INFO', message, meta),
    warn: (message: string, meta?: Record<string, unknown>) => log('WARN', message, meta),
    error: (message: string, meta?: Record<string, unknown>) => log('ERROR', message, meta),
  };
  Runtime.install({ logger, shutdownSignals: [], telemetryOptions: { logging: { filter: CORE_FILTER, forward: {} } } });
}

/** grpc-js's keepalive tracer (HELD_CELL_VARIABLES turns it on) says much; kept: a ping that failed. */
const KEEPALIVE_FAILED = /Ping timeout passed without response|Ping failed|Ping send failed/;

/**
 * grpc-js (the client's transport) logs through a process-wide logger: its errors, and its
 * keepalive's failed pings, land on `recorder`'s timeline.
 */
export function recordGrpcJsLogs(recorder: Recorder): void {
  const clientDir = require.resolve('@temporalio/client');
  const grpc: typeof import('@grpc/grpc-js') = require(require.resolve('@grpc/grpc-js', { paths: [clientDir] }));
  const text = (parts: unknown[]) => parts.map(String).join(' ');
  grpc.setLogger({
    error: (...parts: unknown[]) => recorder.record(text(parts), 'ERROR'),
    info: () => undefined,
    debug: (...parts: unknown[]) => KEEPALIVE_FAILED.test(text(parts)) && recorder.record(text(parts), 'WARN'),
  });
}
