/**
 * The harness's own side of every cell: a worker that executes the workflows a client under test
 * starts, and a client that starts the workflows a worker under test executes. One of each per
 * server, namespace and codec, made on first use. It reaches the server with the harness's
 * internal credentials in the matrix, and with the user's own settings in `validate --hold`.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { connectInternal, internalApiKey, internalTls, ServerEndpoint } from '../server/endpoint';
import * as activities from './activities';
import { awaitResult, GREETING_NAME, type HarnessSide } from './cell';
import { withoutSourceMap } from './bundle';
import { codecFor, ENCRYPTED_ENCODING } from './encryption-codec';
import { closeNativeConnection } from './worker-stack';

/** How the harness's side connects to a server. */
export interface ServerAccess {
  /** A client connection whose close() waits for the retries it scheduled (stacks/retry-timers.ts). */
  connect(): Promise<Connection>;
  connectNative(): Promise<NativeConnection>;
}

/** A matrix server, reached with the harness's internal credentials (server/endpoint.ts). */
export function internalAccess(server: ServerEndpoint): ServerAccess {
  return {
    connect: () => connectInternal(server),
    connectNative: async () => {
      const [tls, apiKey] = await Promise.all([internalTls(server.mode, server.internal), internalApiKey(server)]);
      return NativeConnection.connect({ address: server.address, tls, ...(apiKey ? { apiKey } : {}) });
    },
  };
}

export class Counterparts {
  private connection?: Promise<Connection>;
  private nativeConnection?: Promise<NativeConnection>;
  private readonly workers = new Map<string, Promise<{ worker: Worker; running: Promise<void> }>>();
  private readonly clients = new Map<string, Client>();
  /** Calls of the harness's side still in flight (see {@link tracked}). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly access: ServerAccess,
    private readonly workflowBundlePath: string,
    /** Its task queues' prefix: one of their own on a user's server. */
    private readonly queuePrefix = 'harness-counterpart',
  ) {}

  /**
   * The task queue of the worker for `namespace` (with the shared codec if `encrypted`), and a
   * `ready()` that starts that worker on first call. Callers start their workflow first: in a
   * namespace that does not exist, that is what must fail, and a worker is never created there
   * (a Worker.create that fails its namespace check leaves a native worker behind, see README).
   */
  taskQueueFor(namespace: string, encrypted: boolean): { taskQueue: string; ready: () => Promise<void> } {
    const key = `${namespace}/${encrypted}`;
    const taskQueue = `${this.queuePrefix}-${key.replace(/\W/g, '-')}`;
    const ready = async () => {
      if (!this.workers.has(key)) this.workers.set(key, this.startWorker(namespace, encrypted, taskQueue));
      await this.workers.get(key);
    };
    return { taskQueue, ready };
  }

  /** A client in `namespace`, with the shared codec if `encrypted`. */
  async client(namespace: string, encrypted: boolean): Promise<Client> {
    const key = `${namespace}/${encrypted}`;
    const existing = this.clients.get(key);
    if (existing) return existing;
    const client = new Client({
      connection: await this.internalConnection(),
      namespace,
      dataConverter: { payloadCodecs: encrypted ? [codecFor('shared')!] : [] },
    });
    this.clients.set(key, client);
    return client;
  }

  /** This object as the stack under test reaches it, in process or from a child process. */
  harnessSide(): HarnessSide {
    const queue = (namespace: string, encrypted: boolean) => this.taskQueueFor(namespace, encrypted);
    return {
      counterpartQueue: async (namespace, encrypted) => queue(namespace, encrypted).taskQueue,
      counterpartReady: (namespace, encrypted) => queue(namespace, encrypted).ready(),
      workflowTaskFailure: (namespace, workflowId) => this.workflowTaskFailure(namespace, workflowId),
      runWorkflow: ({ namespace, encrypted, taskQueue, workflowId, workflow = { type: 'greetingWorkflow', args: [GREETING_NAME] }, timeoutMs }) =>
        this.tracked(async () => {
          const starter = await this.client(namespace, encrypted);
          const handle = await starter.workflow.start(workflow.type, { taskQueue, workflowId, args: workflow.args });
          return awaitResult(handle, () => this.workflowTaskFailure(namespace, workflowId), timeoutMs);
        }),
      checkEncryptedAtRest: (namespace, workflowId) => this.tracked(async () => checkEncryptedAtRest(await this.client(namespace, false), workflowId)),
      // The runner gives a cell with a fault its own (matrix/runner.ts).
      injectFault: async () => {
        throw new Error('this cell has no fault to inject');
      },
      // Only a fault timed from the connect (the runner's) waits for it.
      connecting: async () => undefined,
      // The runner gives a held cell its own hold (matrix/held-cell.ts).
      hold: async () => {
        throw new Error('this cell does not hold its connection');
      },
      // The matrix reads a held cell's timeline once the cell is over.
      report: async () => undefined,
    };
  }

  private workflowTaskFailure(namespace: string, workflowId: string): Promise<string | undefined> {
    return this.tracked(async () => {
      const history = await (await this.client(namespace, false)).workflow.getHandle(workflowId).fetchHistory();
      const failed = history.events?.find((event) => event.workflowTaskFailedEventAttributes);
      return failed?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
    });
  }

  /**
   * A call close() waits for. A call the retry interceptor is retrying (a server that closes its
   * connections every few seconds makes them UNAVAILABLE) must not outlive its connection: its
   * retry timer would call into a closed channel and crash the process ("Channel has been shut down").
   */
  private tracked<T>(call: () => Promise<T>): Promise<T> {
    const running = call();
    const settled = running.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return running;
  }

  /** The plain internal connection (no codec), e.g. to register namespaces or read raw history. */
  internalConnection(): Promise<Connection> {
    this.connection ??= this.access.connect();
    return this.connection;
  }

  async close(): Promise<void> {
    await Promise.all(this.inFlight);
    for (const pending of this.workers.values()) {
      const started = await pending.catch(() => undefined);
      if (!started) continue;
      if (started.worker.getState() === 'RUNNING') started.worker.shutdown();
      await started.running.catch(() => undefined);
    }
    if (this.nativeConnection) await closeNativeConnection(await this.nativeConnection);
    if (this.connection) await (await this.connection).close();
  }

  private async startWorker(namespace: string, encrypted: boolean, taskQueue: string) {
    this.nativeConnection ??= this.access.connectNative();
    const worker = await Worker.create({
      connection: await this.nativeConnection,
      namespace,
      taskQueue,
      workflowBundle: { codePath: await withoutSourceMap(this.workflowBundlePath) },
      // Workflows in this thread, not a thread of their own: a thread loads the SDK and its
      // protobuf definitions again (about a second of a core each, 23 of them per run).
      debugMode: true,
      activities,
      dataConverter: { payloadCodecs: encrypted ? [codecFor('shared')!] : [] },
    });
    return { worker, running: worker.run() };
  }
}

/** Every payload the server stored for the run must be ciphertext that does not contain the plaintext. */
async function checkEncryptedAtRest(observer: Client, workflowId: string): Promise<void> {
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
