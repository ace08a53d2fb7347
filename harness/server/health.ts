import { DIAGNOSES } from '../diagnosis/codes';

/**
 * A server found unhealthy when it started: it serves, or once served, but not as its clients
 * need. Found by the container's readiness check (temporal-server.ts), which names it with the
 * server's own words instead of passing or timing out.
 */
export interface ServerHealth {
  code: 'SERVER_DEGRADED' | 'SERVER_START_FAILED' | 'SERVER_BOUND_TO_LOOPBACK';
  /** The server's log line that says why (as `message: error`), or what the harness saw of it. */
  line: string;
}

/** A server in these states answers nothing on its published port: its clients' connects fail because of it. */
export const UNREACHABLE_STATES: ReadonlySet<ServerHealth['code']> = new Set(['SERVER_START_FAILED', 'SERVER_BOUND_TO_LOOPBACK']);

export const isUnreachable = (health: ServerHealth | undefined) => health !== undefined && UNREACHABLE_STATES.has(health.code);

/**
 * A server found unhealthy when it started: the code and the server's own log line, in one line,
 * instead of a readiness check that passes or times out.
 */
export class ServerUnhealthyError extends Error {
  override readonly name = 'ServerUnhealthyError';
  readonly code: ServerHealth['code'];

  constructor(readonly health: ServerHealth) {
    super(`${health.code}: ${DIAGNOSES[health.code].explanation} (${health.line})`);
    this.code = health.code;
  }
}
