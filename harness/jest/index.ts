/**
 * jest integration: a global set-up that starts the Temporal servers your config names, once per
 * run, and hands each one's address and certificate paths to the test files through the
 * environment; a global teardown that stops them; and `temporalServer()` to read one back.
 *
 *   // jest.config.js
 *   module.exports = {
 *     globalSetup: 'temporal-tls-harness/jest/global-setup',
 *     globalTeardown: 'temporal-tls-harness/jest/global-teardown',
 *     globals: { temporalServers: { secure: { mode: 'mtls', namespaces: ['orders'] } } },
 *   };
 *
 *   // a test file
 *   const server = temporalServer('secure');
 *   const connection = await Connection.connect(server.connectionOptions());
 *
 * This module loads neither the SDK nor testcontainers: test files import it cheaply.
 */
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { HarnessError } from '../errors';
import type { ApiKeyOptions, TlsCertificateFiles, TlsMode } from '../library/container';
import { connectionOptionsOf, nativeConnectionOptionsOf, type TemporalServerInfo } from '../library/server-info';

export type { ApiKeyOptions, TemporalServerInfo, TlsCertificateFiles, TlsMode };

/** One server to start: the builder's options as data. */
export interface TemporalServerConfig {
  /** Default `tls`. */
  mode?: TlsMode;
  /** Default `['default']`; the first is the server's namespace. */
  namespaces?: string[];
  /** Your own certificates instead of a minted PKI. */
  certificates?: TlsCertificateFiles;
  /** Authorization with API keys (see TemporalTlsContainer.withApiKeys); `true` for the defaults. */
  apiKeys?: boolean | ApiKeyOptions;
}

/** Servers by the name tests read them back with. */
export type TemporalServersConfig = Record<string, TemporalServerConfig>;

/** The variable that carries every started server's description to the test files, as JSON. */
export const SERVERS_VARIABLE = 'TEMPORAL_TLS_HARNESS_SERVERS';
/** The key of jest's `globals` that names the servers for the ready-made global set-up. */
export const GLOBALS_KEY = 'temporalServers';

/** A started server as a test file sees it: its data, and the SDK options made from it. */
export interface TemporalServerHandle extends TemporalServerInfo {
  name: string;
  /** Options for `Connection.connect` of `@temporalio/client`. */
  connectionOptions(): ConnectionOptions;
  /** Options for `NativeConnection.connect` of `@temporalio/worker`. */
  nativeConnectionOptions(): NativeConnectionOptions;
}

/**
 * A started server, read back in a test file; without a name, the only one. Throws one line
 * naming the servers that exist when `name` is not among them.
 */
export function temporalServer(name?: string, env: NodeJS.ProcessEnv = process.env): TemporalServerHandle {
  const servers = temporalServers(env);
  const names = Object.keys(servers);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new HarnessError(`temporalServer() needs a name: the global set-up started ${names.join(', ')}`);
  }
  const info = servers[chosen];
  if (!info) throw new HarnessError(`no Temporal server named ${JSON.stringify(chosen)}: the global set-up started ${names.join(', ') || 'none'}`);
  return { name: chosen, ...info, connectionOptions: () => connectionOptionsOf(info), nativeConnectionOptions: () => nativeConnectionOptionsOf(info) };
}

/** Every server the global set-up started, by name. */
export function temporalServers(env: NodeJS.ProcessEnv = process.env): Record<string, TemporalServerInfo> {
  const raw = env[SERVERS_VARIABLE];
  if (!raw) {
    throw new HarnessError(
      `${SERVERS_VARIABLE} is not set: add globalSetup 'temporal-tls-harness/jest/global-setup' (or your own calling temporalGlobalSetup) to the jest config`,
    );
  }
  return JSON.parse(raw) as Record<string, TemporalServerInfo>;
}

/** Where the started servers are kept between set-up and teardown (both run in jest's main process). */
const RUNNING = Symbol.for('temporal-tls-harness.jest.servers');
type Running = { stop(): Promise<void> }[];
const running = (): Running => ((globalThis as Record<symbol, Running>)[RUNNING] ??= []);

/**
 * A jest global set-up that starts `servers` (all at once) and sets {@link SERVERS_VARIABLE}.
 * If one fails to start, the others are stopped before the error reaches jest.
 */
export function temporalGlobalSetup(servers: TemporalServersConfig): () => Promise<void> {
  return async () => {
    const { TemporalTlsContainer } = await import('../library/container');
    const names = Object.keys(servers);
    if (names.length === 0) throw new HarnessError('the jest global set-up names no Temporal server: give at least one');
    const started = await Promise.allSettled(
      // async, so that a config the builder refuses rejects its own entry instead of abandoning servers already starting
      names.map(async (name) => {
        const config = servers[name];
        const container = new TemporalTlsContainer().withMode(config.mode ?? 'tls').withNamespaces(...(config.namespaces ?? ['default']));
        if (config.certificates) container.withCertificates(config.certificates);
        if (config.apiKeys) container.withApiKeys(config.apiKeys === true ? {} : config.apiKeys);
        return container.start();
      }),
    );
    const ok = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    running().push(...ok);
    const failed = started.findIndex((result) => result.status === 'rejected');
    if (failed >= 0) {
      await temporalGlobalTeardown();
      const reason = (started[failed] as PromiseRejectedResult).reason as Error;
      throw new HarnessError(`Temporal server ${JSON.stringify(names[failed])} did not start: ${reason.message}`);
    }
    process.env[SERVERS_VARIABLE] = JSON.stringify(Object.fromEntries(ok.map((server, i) => [names[i], server.getInfo()])));
  };
}

/** The jest global teardown: stop every server the set-up started. */
export async function temporalGlobalTeardown(): Promise<void> {
  const servers = running().splice(0);
  await Promise.all(servers.map((server) => server.stop()));
  delete process.env[SERVERS_VARIABLE];
}
