/**
 * Cells in a child process: the stack under test runs in a process of its own, started with
 * exactly the environment given (variables Node and OpenSSL read only at start-up, such as
 * NODE_EXTRA_CA_CERTS, take effect), optionally with another Node binary and another SDK. The
 * harness's side stays here and answers the child's calls; the attempt comes back as the same
 * StackAttempt an in-process cell returns, so nothing downstream knows where the cell ran.
 *
 * The child runs the TypeScript sources through tsx's loader when the harness itself runs from
 * sources (tsx, ts-jest), and the compiled JavaScript beside this file when it runs from a build.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { onCleanup } from '../../cleanup';
import type { Stack } from '../../matrix/results';
import { CellTimeoutError, type ConnectionUnderTest, type HarnessSide, type StackAttempt } from '../cell';
import type { StackProbeTarget } from '../../validate/stack-probes';
import { CONNECTION_VARIABLES } from './connection-variables';
import { attemptFromWire, toWire, type ToChild, type ToParent } from './wire';
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
}

/** A child that has not answered by then is killed; cells bound their own steps well below it. */
const CHILD_CELL_TIMEOUT_MS = 60_000;
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
  const run: ToChild = { type: 'run', stack, target, workflowBundlePath, ...(options.sdkDir ? { sdkDir: options.sdkDir } : {}) };
  return runInChild(run, harness, options);
}

/** `validate`'s probe of one stack (validate/stack-probes.ts), in a child on another Node or SDK release. */
export function runProbeInChild(stack: Stack, target: StackProbeTarget, options: ChildCellOptions): Promise<StackAttempt> {
  return runInChild({ type: 'probe', stack, target, ...(options.sdkDir ? { sdkDir: options.sdkDir } : {}) }, undefined, options);
}

/** Fork the child, send it `message`, answer its calls to `harness`, and return the attempt it reports. */
function runInChild(message: ToChild, harness: HarnessSide | undefined, options: ChildCellOptions): Promise<StackAttempt> {
  registerCleanup();
  const child = fork(ENTRY, [], {
    env: options.env,
    execPath: options.nodePath ?? process.execPath,
    execArgv: [...LOADER, ...(options.nodeFlags ?? [])],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)));
  return new Promise<StackAttempt>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ error: new CellTimeoutError(`the cell's child process did not finish within ${CHILD_CELL_TIMEOUT_MS}ms`), stage: 'connect' });
    }, CHILD_CELL_TIMEOUT_MS);
    child.on('message', (message: ToParent) => {
      if (message.type === 'done') {
        clearTimeout(timer);
        resolve(attemptFromWire(message.attempt));
        return;
      }
      if (!harness) throw new Error(`a probe's child called ${message.method}, which only cells may`);
      const method = harness[message.method] as (...args: unknown[]) => Promise<unknown>;
      method(...message.args).then(
        (value) => reply(child, { type: 'reply', id: message.id, value }),
        (error: unknown) => reply(child, { type: 'reply', id: message.id, error: toWire(error) }),
      );
    });
    // A child that could not be spawned gets no 'close'; one that died early makes sending to it
    // fail (EPIPE), and its 'close' then says how it ended, which is the useful part.
    let sendError: Error | undefined;
    child.on('error', (error) => {
      if (child.pid !== undefined) {
        sendError = error;
        return;
      }
      clearTimeout(timer);
      resolve({ error: new Error(`the cell's child process could not start: ${error.message}`), stage: 'configure' });
    });
    // 'close', not 'exit': 'exit' can come before the last IPC message ("done") has been read.
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      // Resolving twice is harmless: after "done" this one is ignored.
      resolve({
        error: new Error(
          `the cell's child process exited (${signal ?? `code ${code}`}) before reporting${sendError ? ` (${sendError.message})` : ''}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`,
        ),
        stage: 'configure',
      });
    });
    child.send(message);
  });
}

function reply(child: ChildProcess, message: ToChild): void {
  if (child.connected) child.send(message);
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
