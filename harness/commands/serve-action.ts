/** What `serve` does when it runs: start the server, print the settings, wait for Ctrl-C. */
import { renderHuman, renderJsonLine } from '../serve/report';
import { startServe } from '../serve/session';
import type { UserCertificateOptions } from '../serve/inputs';
import type { ServerMode } from '../server/config';

export interface ServeCommandOptions extends UserCertificateOptions {
  mode: ServerMode;
  namespace?: string[];
  port?: number;
  listen?: string;
  certs?: string;
  keepCerts?: boolean;
  writeEnv?: string;
  json?: boolean;
  auth?: 'api-key';
}

export async function serveAction(options: ServeCommandOptions): Promise<void> {
  const { mode, namespace, port, listen, certs, keepCerts, writeEnv, json, auth, ...userCertificates } = options;
  const session = await startServe({
    mode,
    namespaces: namespace ?? ['default'],
    port,
    listen,
    certs,
    keepCerts: Boolean(keepCerts),
    userCertificates,
    envFile: writeEnv,
    apiKeys: auth === 'api-key',
  });
  (json ? process.stderr : process.stdout).write(renderHuman(session));
  if (json) process.stdout.write(renderJsonLine(session));
  await untilStopped();
}

/**
 * A pending promise does not keep Node alive; a timer does. The signal handlers that
 * startServe registered (harness/cleanup.ts) remove the container and exit.
 */
function untilStopped(): Promise<never> {
  return new Promise(() => setInterval(() => undefined, 1 << 30));
}
