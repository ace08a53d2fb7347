/**
 * Whether the server's own worker works once its frontend serves. A frontend that refuses the
 * server's own worker still answers every client, so a readiness check that only connects
 * passes. Measured with v1.32.1, all four services in one container:
 * - mTLS without a certificate for its own worker: "error creating sdk client ... client auth
 *   required, but no certificate provided" within a second, then FATAL and exit 1 at 60 s;
 * - authorization with its own worker on the public frontend: "error starting scanner: failed
 *   reaching server: Request unauthorized." and exit 1 about a second after it served;
 * - healthy: the scanner's workflow (temporal-system/temporal-sys-tq-scanner) runs 50 to 100 ms
 *   after the frontend serves.
 */
import type { Connection } from '@temporalio/client';
import type { ServerHealth } from './health';

/** What the check reads: the server's log so far, and whether its process is gone. */
export interface ServerUnderCheck {
  connection: Connection;
  recentLog(): string[];
  exited(): Promise<boolean>;
}

const SYSTEM_NAMESPACE = 'temporal-system';
const SCANNER_WORKFLOW_ID = 'temporal-sys-tq-scanner';
const POLL_INTERVAL_MS = 100;
/** A healthy server's scanner ran within 0.1 s here; 2 cores shared with 20 other servers get far more. */
export const SYSTEM_WORKER_TIMEOUT_MS = 20_000;
/** After the server's worker complained: a server that exits does so within this (0.2 s measured). */
const EXIT_GRACE_MS = 3_000;

/** Undefined when the server's own worker started its workflows; else what is wrong, in the server's words. */
export async function systemWorkerHealth(server: ServerUnderCheck, timeoutMs = SYSTEM_WORKER_TIMEOUT_MS): Promise<ServerHealth | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await server.exited()) return startFailed(server.recentLog());
    const complaint = workerComplaints(server.recentLog())[0];
    if (complaint) return (await exitsWithin(server, EXIT_GRACE_MS)) ? startFailed(server.recentLog()) : { code: 'SERVER_DEGRADED', line: complaint };
    if (await scannerRuns(server.connection)) return undefined;
    await delay(POLL_INTERVAL_MS);
  }
  return { code: 'SERVER_DEGRADED', line: `the server's own worker started none of its workflows in ${timeoutMs / 1000} s, and its log says nothing of it` };
}

/** The server's last FATAL line (or its last line) as the reason it exited. */
export function startFailed(log: string[]): ServerHealth {
  const lines = log.map(parseLogLine).filter((line): line is LogLine => line !== undefined);
  const fatal = lines.filter((line) => line.level === 'fatal').at(-1) ?? lines.at(-1);
  return { code: 'SERVER_START_FAILED', line: fatal ? summary(fatal) : (log.at(-1) ?? 'the server exited without a log line') };
}

/** The worker service's warnings and errors, as `message: error`, oldest first. */
export function workerComplaints(log: string[]): string[] {
  return log
    .map(parseLogLine)
    .filter((line): line is LogLine => line !== undefined && line.service === 'worker' && COMPLAINT_LEVELS.has(line.level))
    .map(summary);
}

interface LogLine {
  level: string;
  msg: string;
  service?: string;
  error?: string;
}

const COMPLAINT_LEVELS = new Set(['warn', 'error', 'dpanic', 'panic', 'fatal']);

/** The server logs JSON, one object per line (config.ts: `log.stdout`); anything else is not its log. */
function parseLogLine(text: string): LogLine | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start)) as Partial<LogLine>;
    return typeof parsed.level === 'string' && typeof parsed.msg === 'string' ? (parsed as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

const summary = (line: LogLine) => (line.error ? `${line.msg}: ${line.error}` : line.msg);

async function scannerRuns(connection: Connection): Promise<boolean> {
  try {
    await connection.workflowService.describeWorkflowExecution({ namespace: SYSTEM_NAMESPACE, execution: { workflowId: SCANNER_WORKFLOW_ID } });
    return true;
  } catch {
    return false;
  }
}

async function exitsWithin(server: ServerUnderCheck, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await server.exited()) return true;
    await delay(POLL_INTERVAL_MS);
  }
  return server.exited();
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
