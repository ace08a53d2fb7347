/**
 * The `temporal` CLI, for tests that check what serve prints for it. It is a Go module, built once
 * into the cache like the server. v1.5.1 is the newest release that `go install` can build: later
 * ones replace a sub-module with a local folder (`replace .../cliext => ./cliext`) that the module
 * proxy's archive does not hold, which `go install pkg@version` refuses.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from './cache';
import { goInstallBinary } from './server-binary';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** The path of the cached CLI, built first if it is not there. */
export async function ensureTemporalCli(): Promise<string> {
  const dir = path.join(cacheDir(), 'temporal-cli', TEMPORAL_CLI_VERSION);
  const binary = path.join(dir, 'temporal');
  if (!existsSync(binary)) {
    await goInstallBinary({ what: 'temporal CLI', modulePath: 'github.com/temporalio/cli/cmd/temporal', binary: 'temporal', version: TEMPORAL_CLI_VERSION, dir });
  }
  return binary;
}
