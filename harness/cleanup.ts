/**
 * Cleanup on every exit path: normal return, an error, Ctrl-C, SIGTERM, SIGHUP (the terminal
 * closed) or a crash. Each command registers what it started; a signal runs the registered
 * cleanups once, then exits with 128 + signal. A SIGKILL cannot be caught: the next run sweeps
 * what such a run left (env/labels.ts for containers, env/owned.ts for folders and processes).
 */
import { sweepDeadOwners } from './env/owned';

type Cleanup = () => Promise<void>;

const cleanups = new Set<Cleanup>();
let signalled = false;
let signalExitCode: number | undefined;

const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

export function onCleanup(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  installSignalHandlers();
  return () => cleanups.delete(cleanup);
}

/**
 * 128 + signal once a signal came: work cut short by the cleanup then fails, and the exit code
 * must still say it was interrupted.
 */
export function exitCodeAfterSignal(): number | undefined {
  return signalExitCode;
}

export async function runCleanups(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.all(pending.map((cleanup) => cleanup().catch(() => undefined)));
  // A folder shared with a run that ended meanwhile (the certs/ both used) is removed by whichever
  // run ends last: the other left it in its record, which is now an ended owner's.
  try {
    sweepDeadOwners();
  } catch {
    // the next run's sweep will do it
  }
}

let installed = false;
function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.on(signal, () => {
      if (signalled) return; // a second Ctrl-C while cleaning up is ignored; cleanup is quick
      signalled = true;
      signalExitCode = code;
      process.stderr.write(`\n[harness] ${signal}: stopping what the harness started\n`);
      void runCleanups().finally(() => process.exit(code));
    });
  }
  // A crash must not leave containers behind either.
  process.on('uncaughtException', (error) => {
    // Cells torn down mid-flight by a signal's cleanup can throw; the signal decides the exit.
    if (signalled) return;
    process.stderr.write(`[harness] crashed: ${error.stack ?? error}\n`);
    void runCleanups().finally(() => process.exit(70));
  });
}
