/**
 * One probe per stack, with the two calls an application makes first: system info, then
 * describe the namespace. The same functions run in this process or, for another SDK or Node
 * release, in a child process (stacks/child), which is why they live apart from probe.ts.
 */
import { Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Stack } from '../model/stack';
import { installQuietRuntime } from '../stacks/runtime';
import { checkPollAllowed, OK, refusalAtConnect, withTimeout, type StackAttempt } from '../stacks/cell';
import { closeNativeConnection } from '../stacks/worker-stack';
import { LIVE_TIMEOUT_MS } from './server-cert';

export interface StackProbeTarget {
  address: string;
  namespace: string;
  tls: TLSConfig | false;
  apiKey?: string;
}

export const STACK_PROBES: Record<Stack, (target: StackProbeTarget) => Promise<StackAttempt>> = {
  client: probeClientStack,
  worker: probeWorkerStack,
};

async function probeClientStack(target: StackProbeTarget): Promise<StackAttempt> {
  let connection: Connection | undefined;
  try {
    connection = Connection.lazy({ address: target.address, tls: target.tls, ...withApiKey(target), interceptors: [] });
    const probing = connection;
    await probing
      .withDeadline(Date.now() + LIVE_TIMEOUT_MS, () => probing.workflowService.getSystemInfo({}))
      .catch((error) => {
        throw refusalAtConnect(error);
      });
    await probing.withDeadline(Date.now() + LIVE_TIMEOUT_MS, () =>
      probing.workflowService.describeNamespace({ namespace: target.namespace }),
    );
    return OK;
  } catch (error) {
    return { error, stage: 'connect' };
  } finally {
    await connection?.close();
  }
}

async function probeWorkerStack(target: StackProbeTarget): Promise<StackAttempt> {
  installQuietRuntime();
  const connecting = NativeConnection.connect({ address: target.address, tls: target.tls, ...withApiKey(target) });
  let connection: NativeConnection;
  try {
    connection = await withTimeout(connecting, LIVE_TIMEOUT_MS, 'NativeConnection.connect');
  } catch (error) {
    connecting.then((late) => late.close()).catch(() => undefined);
    return { error, stage: 'connect' };
  }
  try {
    // Older releases' NativeConnection (1.11.5 and before, measured) has no workflowService: their
    // probe is the connect, in which sdk-core already calls GetSystemInfo.
    if (!('workflowService' in connection)) return OK;
    const describing = connection.withDeadline(Date.now() + LIVE_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: target.namespace }),
    );
    await withTimeout(describing, LIVE_TIMEOUT_MS + 1000, 'describeNamespace');
    if (target.apiKey !== undefined) {
      await checkPollAllowed(() =>
        connection.withDeadline(Date.now() + 1000, () =>
          connection.workflowService.pollWorkflowTaskQueue({ namespace: target.namespace, taskQueue: { name: 'temporal-tls-harness-validate' } }),
        ),
      );
    }
    return OK;
  } catch (error) {
    return { error, stage: 'connect' };
  } finally {
    await closeNativeConnection(connection);
  }
}

const withApiKey = (target: StackProbeTarget) => (target.apiKey === undefined ? {} : { apiKey: target.apiKey });
