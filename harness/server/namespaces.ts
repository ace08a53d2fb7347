/**
 * Namespaces through the API, since the full server creates none but `temporal-system`.
 * Registration alone is not enough: a namespace is usable once the frontend's namespace
 * registry resolves it, which can lag the write by up to its refresh interval.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { status as grpcStatus } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { HarnessError } from '../errors';

const RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * Generous: it bounds only what succeeds, and on a busy machine (two matrix runs starting 52
 * servers on 2 cores) a frontend is SERVING well before history has joined the membership ring.
 */
const USABLE_TIMEOUT_MS = 60_000;

/** Register every namespace in `namespaces` and wait until each is usable. */
export async function registerNamespaces(connection: Connection, namespaces: string[]): Promise<void> {
  await Promise.all(namespaces.map((namespace) => registerNamespace(connection, namespace)));
}

/** Register `namespace` (an existing one is fine) and wait until calls in it are accepted. */
export async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + USABLE_TIMEOUT_MS;
  for (;;) {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(RETENTION_MS),
      });
      break;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === grpcStatus.INVALID_ARGUMENT) throw new NamespaceRefusedError(namespace, (error as { details?: string }).details);
      if (code === grpcStatus.ALREADY_EXISTS) break;
      // "Not enough hosts to serve the request": the frontend is up, history not yet.
      if (code !== grpcStatus.UNAVAILABLE || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await waitUntilUsable(connection, namespace, deadline);
}

/** The server's own verdict on a namespace name (length, characters), in one line. */
export class NamespaceRefusedError extends HarnessError {
  override readonly name: string = 'NamespaceRefusedError';
  constructor(readonly namespace: string, reason = 'invalid argument') {
    const shown = namespace.length > 60 ? `${JSON.stringify(namespace.slice(0, 40))}... (${namespace.length} characters)` : JSON.stringify(namespace);
    super(`the server refused namespace ${shown}: ${reason}`);
  }
}

async function waitUntilUsable(connection: Connection, namespace: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      // A history lookup of a workflow that does not exist: "workflow not found" means the
      // namespace resolved; "namespace not found" means the registry has not caught up.
      await connection.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId: `probe-${randomUUID()}` },
      });
      return;
    } catch (error) {
      const message = (error as Error).message;
      // A refusal is no answer about the namespace: the harness's own token is wrong.
      if ((error as { code?: number }).code === grpcStatus.PERMISSION_DENIED) {
        throw new Error(`namespace ${namespace} cannot be checked, the server refuses the harness: ${message}`);
      }
      if (!/namespace/i.test(message)) return;
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} not usable after ${USABLE_TIMEOUT_MS}ms: ${message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
