/** The SDK runtime as every process that runs a worker installs it: quiet, and out of the way of cleanup. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The SDK logs every failed workflow task, which half the cells provoke on purpose; the harness
 * reports failures itself, so SDK logs are shown only with TLS_HARNESS_SDK_LOG=1. The SDK's own
 * signal handlers are kept out of the way of the harness's cleanup.
 */
export function installQuietRuntime(): void {
  if (installed) return; // once per process: a second Runtime.install throws
  installed = true;
  const discard = () => undefined;
  Runtime.install({
    logger: process.env.TLS_HARNESS_SDK_LOG === '1' ? new DefaultLogger('WARN') : new DefaultLogger('ERROR', discard),
    shutdownSignals: [],
    // Core's own logs go to stderr: forwarding them to Node would hold the process open.
    telemetryOptions: { logging: { filter: 'ERROR', console: {} } },
  });
}
