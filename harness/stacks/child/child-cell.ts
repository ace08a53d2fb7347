/**
 * Cells in a child process: the stack under test runs in a process of its own, started with
 * exactly the environment given (variables Node and OpenSSL read only at start-up, such as
 * NODE_EXTRA_CA_CERTS, take effect), optionally with another Node binary and another SDK; or in
 * a child shared by the cells that need no environment of their own ({@link SharedCellChild}).
 * The harness's side stays here and answers the child's calls; the attempt comes back as the same
 * StackAttempt an in-process cell returns, so nothing downstream knows where the cell ran.
 *
 * The child runs the TypeScript sources through tsx's loader when the harness itself runs from
 * sources (tsx, ts-jest), and the compiled JavaScript beside this file when it runs from a build.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from '../../cleanup';
import type { Stack } from '../../model/stack';
import { CellTimeoutError, type ConnectionUnderTest, type HarnessSide, type StackAttempt } from '../cell';
import type { StackProbeTarget } from '../../validate/stack-probes';
import { CONNECTION_VARIABLES } from './connection-variables';
import { attemptFromWire, toWire, type ChildTask, type ToChild, type ToParent } from './wire';
import { slots } from '../../matrix/slots';

export interface ChildCellOptions {
  /** The child's whole environment (see {@link cellEnvironment}). */
  env: Record<string, string>;
  /** Node flags, such as `--use-openssl-ca`. */
  nodeFlags?: string[];
  /** Another Node binary (default: the one running the harness). */
  nodePath?: string;
  /** A folder whose node_modules holds the `@temporalio/*` packages the child loads. */
  sdkDir?: string;
  /** A file the child sees as /etc/hosts (a mount namespace of its own; see CellEnvironment.hosts). */
  hostsFile?: string;
  /** How long the cell may take before its child is killed (default {@link CHILD_CELL_TIMEOUT_MS}; a held cell takes its hold too). */
  timeoutMs?: number;
}

/** A child that has not answered by then is killed; cells bound their own steps well below it. */
export const CHILD_CELL_TIMEOUT_MS = 60_000;
const STDERR_KEPT = 4000;

const ENTRY = path.join(__dirname, `cell-child${path.extname(__filename)}`);
/** What a child needs to run a TypeScript entry when the harness runs from sources. */
export const LOADER = ENTRY.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [];

/**
 * Children in flight at once: each spends its first half second loading the SDK on a core, so
 * more than one per core only makes every cell slower (and a busy machine time out).
 */
export const childSlot = slots(Math.max(2, os.availableParallelism()));

const running = new Set<ChildProcess>();
let cleanupRegistered = false;

export function runCellInChild(
  stack: Stack,
  target: ConnectionUnderTest,
  harness: HarnessSide,
  workflowBundlePath: string,
  options: ChildCellOptions,
): Promise<StackAttempt> {
  return new CellProcess(options, { keepAlive: false }).run(cellTask(stack, target, workflowBundlePath, options), harness, options.timeoutMs);
}

/** `validate`'s probe of one stack (validate/stack-probes.ts), in a child on another Node or SDK release. */
export function runProbeInChild(stack: Stack, target: StackProbeTarget, options: ChildCellOptions): Promise<StackAttempt> {
  return new CellProcess(options, { keepAlive: false }).run({ type: 'probe', stack, target, ...(options.sdkDir ? { sdkDir: options.sdkDir } : {}) });
}

function cellTask(stack: Stack, target: ConnectionUnderTest, workflowBundlePath: string, options: Pick<ChildCellOptions, 'sdkDir'>): ChildTask {
  return { type: 'run', stack, target, workflowBundlePath, ...(options.sdkDir ? { sdkDir: options.sdkDir } : {}) };
}

/**
 * One child that runs every cell it is given, several at once, until closed: for cells that need
 * no environment of their own, only another process (another release, or a leak that must not
 * stay in the harness). A child started per cell spent its first half second or more loading the
 * SDK; this one loads it once. What its cells leave behind goes with it when it is closed.
 */
export class SharedCellChild {
  private process?: CellProcess;

  constructor(private readonly options: Pick<ChildCellOptions, 'nodePath' | 'sdkDir'>) {}

  run(stack: Stack, target: ConnectionUnderTest, harness: HarnessSide, workflowBundlePath: string): Promise<StackAttempt> {
    return this.started().run(cellTask(stack, target, workflowBundlePath, this.options), harness);
  }

  /** Start the child and load `stacks` in it, so that its first cells do not wait for that. */
  async load(stacks: Stack[]): Promise<void> {
    const { error } = await this.started().run({ type: 'load', stacks, ...(this.options.sdkDir ? { sdkDir: this.options.sdkDir } : {}) });
    if (error) throw error;
  }

  private started(): CellProcess {
    // Started again after one that died: a crash fails the cells it was running, not the next ones.
    if (!this.process?.alive) this.process = new CellProcess({ ...this.options, env: cellEnvironment({}) }, { keepAlive: true });
    return this.process;
  }

  close(): void {
    this.process?.stop();
  }
}

/**
 * Node started by `unshare` in a mount namespace of its own, where `hostsFile` is bound over
 * /etc/hosts: the resolver of both stacks (getaddrinfo, under Node's dns.lookup and tonic) reads
 * it as the machine's. The same process all along (unshare and sh exec), so the IPC channel holds.
 * Without root, a user namespace maps the user to root for the mount.
 */
function withHostsFile(hostsFile: string, node: string, nodeArgs: string[]): { execPath: string; execArgv: string[] } {
  const userNamespace = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  const bindThenExec = 'mount --bind "$1" /etc/hosts && shift && exec "$@"';
  return { execPath: 'unshare', execArgv: ['--mount', '--propagation', 'private', ...userNamespace, 'sh', '-c', bindThenExec, 'sh', hostsFile, node, ...nodeArgs] };
}

/**
 * A forked child and the tasks in flight in it: sends each its task, answers its calls to the
 * harness's side, and resolves each with the attempt the child reports, or with how the child
 * ended if it ended first. A one-task child exits by itself once it has answered.
 */
class CellProcess {
  private readonly child: ChildProcess;
  private readonly tasks = new Map<number, { harness?: HarnessSide; settle: (attempt: StackAttempt) => void }>();
  private nextTaskId = 0;
  private stderr = '';
  /** Set when sending to the child failed: its 'close' then says how it ended, which is the useful part. */
  private sendError?: Error;
  alive = true;

  constructor(options: ChildCellOptions, private readonly mode: { keepAlive: boolean }) {
    registerCleanup();
    const node = options.nodePath ?? process.execPath;
    const nodeArgs = [...LOADER, ...(options.nodeFlags ?? [])];
    this.child = fork(ENTRY, [], {
      env: options.env,
      ...(options.hostsFile ? withHostsFile(options.hostsFile, node, nodeArgs) : { execPath: node, execArgv: nodeArgs }),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    running.add(this.child);
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT)));
    this.child.on('message', (message: ToParent) => this.received(message));
    // A child that could not be spawned gets no 'close'.
    this.child.on('error', (error) => {
      if (this.child.pid !== undefined) {
        this.sendError = error;
        return;
      }
      this.ended(new Error(`the cell's child process could not start: ${error.message}`));
    });
    // 'close', not 'exit': 'exit' can come before the last IPC message ("done") has been read.
    this.child.on('close', (code, signal) => {
      const how = `${signal ?? `code ${code}`}${this.sendError ? ` (${this.sendError.message})` : ''}`;
      this.ended(new Error(`the cell's child process exited (${how}) before reporting: ${this.stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  }

  run(task: ChildTask, harness?: HarnessSide, timeoutMs = CHILD_CELL_TIMEOUT_MS): Promise<StackAttempt> {
    const taskId = this.nextTaskId++;
    return new Promise<StackAttempt>((resolve) => {
      const timer = setTimeout(() => {
        settle({ error: new CellTimeoutError(`the cell's child process did not finish within ${timeoutMs}ms`), stage: 'connect' });
        // A one-task child is of no further use; a shared one keeps serving the others.
        if (!this.mode.keepAlive) this.stop();
      }, timeoutMs);
      const settle = (attempt: StackAttempt) => {
        clearTimeout(timer);
        this.tasks.delete(taskId);
        resolve(attempt);
      };
      this.tasks.set(taskId, { harness, settle });
      this.send({ ...task, taskId, keepAlive: this.mode.keepAlive });
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }

  private received(message: ToParent): void {
    const task = this.tasks.get(message.taskId);
    if (message.type === 'done') {
      task?.settle(attemptFromWire(message.attempt));
      return;
    }
    if (!task?.harness) throw new Error(`a child's task called ${message.method}, which only cells may`);
    const method = task.harness[message.method] as (...args: unknown[]) => Promise<unknown>;
    method(...message.args).then(
      (value) => this.send({ type: 'reply', id: message.id, value }),
      (error: unknown) => this.send({ type: 'reply', id: message.id, error: toWire(error) }),
    );
  }

  private ended(error: Error): void {
    this.alive = false;
    running.delete(this.child);
    for (const task of [...this.tasks.values()]) task.settle({ error, stage: 'configure' });
  }

  private send(message: ToChild): void {
    if (this.child.connected) this.child.send(message);
  }
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  onCleanup(async () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** The harness's environment without {@link CONNECTION_VARIABLES}, plus `variables`. */
export function cellEnvironment(variables: Record<string, string>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept = Object.entries(base).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !(CONNECTION_VARIABLES as readonly string[]).includes(entry[0]),
  );
  return { ...Object.fromEntries(kept), ...variables };
}
