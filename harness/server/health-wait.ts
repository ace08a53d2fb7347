/**
 * Readiness as the gRPC health service reports it. A scratch image has no shell, so
 * testcontainers' default port check (which execs one) cannot work; and a port that accepts
 * connections is not a frontend that serves: WorkflowService turns SERVING only once the
 * server's membership has settled.
 */
import { HARNESS_KEEPALIVE_MS } from './endpoint';
import { Connection, type TLSConfig } from '@temporalio/client';
import type Dockerode from 'dockerode';
import { BoundPorts, WaitStrategy } from 'testcontainers';
import { FRONTEND_GRPC_PORT } from './config';
import { ServerUnhealthyError, type ServerHealth } from './health';
import { startFailed } from './system-worker-health';
import { listenersOf, onlyLoopback } from './listeners';
import { remoteEngineHost } from '../env/engine-host';

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const SERVING = 1;
const POLL_INTERVAL_MS = 100;
const PROBE_DEADLINE_MS = 1000;

export class GrpcHealthWaitStrategy implements WaitStrategy {
  private startupTimeoutMs = 60_000;
  private startupTimeoutSet = false;

  /** Set when the server was found unreachable and `keepUnhealthy` asked for it back rather than an error. */
  found?: ServerHealth;

  constructor(
    private readonly tls: TLSConfig | false,
    private readonly recentLog: () => string[],
    private readonly keepUnhealthy = false,
    private readonly host = process.env.TESTCONTAINERS_HOST_OVERRIDE || 'localhost',
  ) {}

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    const address = `${this.host}:${boundPorts.getBinding(FRONTEND_GRPC_PORT)}`;
    // A remote engine's process ids are not this host's: /proc here says nothing of its containers.
    const engineOnThisHost = remoteEngineHost() === undefined;
    try {
      await waitUntilServing(address, this.tls, this.startupTimeoutMs, async () => {
        const state = (await container.inspect()).State;
        // A server that exits before it serves is named by its last FATAL line, as one that exits after.
        if (!state.Running) throw new ServerUnhealthyError(startFailed(this.recentLog()));
        if (engineOnThisHost) await refuseLoopbackOnly(state.Pid);
        return undefined;
      });
    } catch (error) {
      if (!(error instanceof ServerUnhealthyError)) throw engineOnThisHost ? await withInside(error, container) : error;
      if (!this.keepUnhealthy) throw error;
      this.found = error.health;
    }
  }
}

/** A frontend that never served: what listens inside its container tells "not yet" from "not there". */
async function withInside(error: unknown, container: Dockerode.Container): Promise<unknown> {
  const pid = await container.inspect().then((inspected) => inspected.State.Pid, () => 0);
  const inside = await listenersOf(pid, FRONTEND_GRPC_PORT);
  if (!(error instanceof Error) || inside === undefined) return error;
  const seen = inside.length === 0 ? `nothing listens on ${FRONTEND_GRPC_PORT} inside its container` : `inside its container, ${inside.join(' and ')} listen on ${FRONTEND_GRPC_PORT}`;
  return new Error(`${error.message}; ${seen}`);
}

/**
 * A frontend that listens on loopback only, inside its container, never answers through the
 * published port: say so at once rather than after the start timeout.
 */
async function refuseLoopbackOnly(pid: number): Promise<void> {
  const inside = await listenersOf(pid, FRONTEND_GRPC_PORT);
  if (inside && onlyLoopback(inside)) {
    throw new ServerUnhealthyError({
      code: 'SERVER_BOUND_TO_LOOPBACK',
      line: `inside its container, the frontend listens on ${inside.map((address) => `${address}:${FRONTEND_GRPC_PORT}`).join(' and ')} only`,
    });
  }
}

/**
 * Poll the health check at `address` until WorkflowService is SERVING; `exited()` names why the
 * server can no longer come up (its container stopped), if it cannot.
 */
export async function waitUntilServing(
  address: string,
  tls: TLSConfig | false,
  timeoutMs: number,
  exited: () => Promise<string | undefined>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const gone = await exited();
    if (gone) throw new Error(gone);
    lastProblem = await probe(address, tls);
    if (lastProblem === 'SERVING') return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`WorkflowService not SERVING on ${address} after ${timeoutMs}ms (last: ${lastProblem})`);
}

/**
 * One health check without retries; returns 'SERVING' or what stood in the way. Its keepalive is
 * the harness's own (endpoint.ts): grpc-js keeps the transport in its pool for later channels with
 * the same options, and with the SDK's 30 s pings a server that refuses them (keepAliveMinTime
 * 60 s) closed it with "excess pings", which grpc-js printed into the run's output.
 */
async function probe(address: string, tls: TLSConfig | false): Promise<string> {
  const connection = Connection.lazy({ address, tls, interceptors: [], channelArgs: { 'grpc.keepalive_time_ms': HARNESS_KEEPALIVE_MS } });
  try {
    const response = await connection.withDeadline(Date.now() + PROBE_DEADLINE_MS, () =>
      connection.healthService.check({ service: WORKFLOW_SERVICE }),
    );
    return response.status === SERVING ? 'SERVING' : `status ${response.status}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await connection.close();
  }
}
