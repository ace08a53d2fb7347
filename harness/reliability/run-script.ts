/** The ending shared by the soak and bench scripts: one line for a known problem, cleanup, exit code. */
import { runCleanups } from '../cleanup';
import { HarnessError } from '../errors';

export function runScript(main: () => Promise<number>): void {
  // As in the CLI: grpc-js sets an IP address as the TLS server name when one is dialled, and Node warns about it.
  process.noDeprecation = true;
  void main()
    .catch((error) => {
      process.stderr.write(error instanceof HarnessError ? `error: ${error.message}\n` : `${error?.stack ?? error}\n`);
      return 1;
    })
    .then(async (code) => {
      await runCleanups();
      process.exit(code); // the SDK's native runtime would otherwise keep the process up
    });
}
