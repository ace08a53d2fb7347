/**
 * A real Temporal server with TLS or mTLS for your own tests, in the shape of a testcontainers
 * module: configure a {@link TemporalTlsContainer}, `start()` it, and connect with what the
 * {@link StartedTemporalTlsContainer} hands out.
 *
 *   await using server = await new TemporalTlsContainer().withMode('mtls').start();
 *   const connection = await Connection.connect(server.getConnectionOptions());
 *
 * It is the server `serve` and the matrix start (built from source into a FROM scratch image, or
 * TLS_HARNESS_SERVER_IMAGE), with a minted PKI unless you bring your own certificates.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { loadSigner, signingKeyFiles } from '../auth/signing-keys';
import { mintToken, permission, type Role } from '../auth/tokens';
import { HarnessError } from '../errors';
import type { ServerMode } from '../server/config';
import type { StartedTemporalServer } from '../server/temporal-server';
import { allVariables } from '../serve/client-settings';
import { removeRunContainers } from '../env/labels';
import { publishAddressesWith } from '../env/engine-host';
import { readUserCertificates, type OptionLabels } from '../serve/inputs';
import { planWorkDir } from '../serve/paths';
import { startServedServer } from '../serve/served-server';
import { connectionOptionsOf, nativeConnectionOptionsOf, tlsConfigOf, type TemporalServerInfo } from './server-info';

/** What the frontend asks of clients: nothing, a TLS handshake, or a TLS handshake with a client certificate. */
export type TlsMode = ServerMode;

/** Your own certificates (PEM files) instead of a minted PKI. */
export interface TlsCertificateFiles {
  /** The server certificate, leaf first, optionally followed by its chain. */
  serverCert: string;
  /** The private key of `serverCert` (unencrypted: the server cannot read an encrypted one). */
  serverKey: string;
  /** The CA clients verify `serverCert` with. */
  ca: string;
  /** mtls: the CAs whose client certificates the server accepts. */
  clientCas?: string[];
  /** A client certificate for {@link StartedTemporalTlsContainer.getConnectionOptions} (mtls). */
  clientCert?: string;
  /** The private key of `clientCert`. */
  clientKey?: string;
}

/** Options of {@link TemporalTlsContainer.withApiKeys}. */
export interface ApiKeyOptions {
  /** An `aud` every token must carry (the server then refuses tokens without it). */
  audience?: string;
}

type ApiKeyMinter = (permissions: string[], expiresInS?: number) => Promise<string>;

const HOUR_S = 60 * 60;
const DAY_S = 24 * HOUR_S;

/** Mints tokens with the signing keys `withApiKeys()` wrote into the server's folder. */
function apiKeyMinter(dir: string, audience: string | undefined): ApiKeyMinter {
  const signer = loadSigner(signingKeyFiles(dir));
  return async (permissions, expiresInS = HOUR_S) =>
    mintToken(await signer, { subject: 'temporal-tls-harness-user', permissions, expiresInS, audience });
}

/** Misuse of the builder, in one sentence; nothing is left running or written when it is thrown. */
export class TemporalTlsContainerError extends HarnessError {
  override readonly name: string = 'TemporalTlsContainerError';
}

/** The start of the run label of every container this process starts through the library. */
export const libraryRunPrefix = (pid = process.pid) => `library-${pid}-`;

/** A one-line HarnessError (wrong input) becomes a TemporalTlsContainerError; anything else is rethrown as it is. */
function asMisuse(error: unknown): never {
  throw error instanceof HarnessError && !(error instanceof TemporalTlsContainerError) ? new TemporalTlsContainerError(error.message) : error;
}

const MODES: readonly TlsMode[] = ['plain', 'tls', 'mtls'];

/** The builder's names in messages about your files. */
const OPTION_NAMES: OptionLabels = {
  serverCert: 'serverCert',
  serverKey: 'serverKey',
  ca: 'ca',
  clientCa: 'clientCas',
  clientCert: 'clientCert',
  clientKey: 'clientKey',
};

/** A Temporal server to start: `plain`, `tls` (the default) or `mtls`, on minted or your own certificates. */
export class TemporalTlsContainer {
  private mode: TlsMode = 'tls';
  private namespaces: string[] = ['default'];
  private certificates?: TlsCertificateFiles;
  private hostPort?: number;
  private listen?: string;
  private certsDir?: string;
  private apiKeys?: ApiKeyOptions;
  private startCalled = false;

  /** What the frontend asks of clients (default `tls`). */
  withMode(mode: TlsMode): this {
    if (!MODES.includes(mode)) throw new TemporalTlsContainerError(`withMode(${JSON.stringify(mode)}): the mode is one of ${MODES.join(', ')}`);
    this.mode = mode;
    return this;
  }

  /** Namespaces registered before `start()` resolves; the first is {@link StartedTemporalTlsContainer.getNamespace} (default `default`). */
  withNamespaces(...namespaces: string[]): this {
    if (namespaces.length === 0) throw new TemporalTlsContainerError('withNamespaces() needs at least one namespace name');
    this.namespaces = namespaces;
    return this;
  }

  /** Serve your own certificates instead of a minted PKI. */
  withCertificates(files: TlsCertificateFiles): this {
    const missing = (['serverCert', 'serverKey', 'ca'] as const).filter((name) => !files[name]);
    if (missing.length > 0) {
      throw new TemporalTlsContainerError(
        `withCertificates() needs serverCert, serverKey and ca together: ${missing.join(' and ')} missing (or leave withCertificates() out to mint a PKI)`,
      );
    }
    if (Boolean(files.clientCert) !== Boolean(files.clientKey)) {
      throw new TemporalTlsContainerError('withCertificates(): clientCert and clientKey go together: give both or neither');
    }
    this.certificates = files;
    return this;
  }

  /**
   * Turn on authorization with API keys: the server's default authorizer and JWT claim mapper,
   * trusting keys minted for this server. Connection options, the test environment and the
   * client variables then carry a token with write on every registered namespace; mint others
   * with {@link StartedTemporalTlsContainer.mintApiKey}.
   */
  withApiKeys(options: ApiKeyOptions = {}): this {
    this.apiKeys = options;
    return this;
  }

  /** Publish the frontend on this host port (default: a random free one). */
  withHostPort(port: number): this {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TemporalTlsContainerError(`withHostPort(${port}): not a port number (1-65535)`);
    this.hostPort = port;
    return this;
  }

  /**
   * Publish on this address of the machine too, not on loopback alone (`0.0.0.0`: every
   * interface). The server takes anyone who reaches it that its mode lets in.
   */
  withListenAddress(address: string): this {
    if (isIP(address) === 0) throw new TemporalTlsContainerError(`withListenAddress("${address}"): not an IP address (0.0.0.0 for every IPv4 interface)`);
    this.listen = address;
    return this;
  }

  /** Folder for the minted certificates and the profile, new or empty; removed by `stop()` (default: a fresh one under the OS temp folder). */
  withCertsDir(dir: string): this {
    this.certsDir = dir;
    return this;
  }

  /** Start the server; resolves once it serves and every namespace is usable. */
  async start(): Promise<StartedTemporalTlsContainer> {
    if (this.startCalled) {
      throw new TemporalTlsContainerError('start() was already called on this TemporalTlsContainer: create a new one for another server');
    }
    this.startCalled = true;
    const user = this.checkedCertificates();
    const workDir = await planWorkDir(
      this.certsDir ?? path.join(os.tmpdir(), `temporal-tls-${process.pid}-${randomUUID().slice(0, 8)}`),
      'withCertsDir()',
    ).catch(asMisuse);
    const runId = `${libraryRunPrefix()}${randomUUID()}`;
    let engineReady = false;
    try {
      workDir.claim();
      const served = await startServedServer({
        mode: this.mode,
        namespaces: this.namespaces,
        hostPort: this.hostPort,
        ...(this.listen ? { publishedOn: publishAddressesWith(this.listen) } : {}),
        dir: workDir.dir,
        user,
        runId,
        authorization: this.apiKeys,
        onEngineReady: () => (engineReady = true),
      });
      const minter = this.apiKeys && apiKeyMinter(workDir.dir, this.apiKeys.audience);
      // Lives as long as a long test run; mintApiKey() makes short-lived ones.
      const apiKey = minter && (await minter(this.namespaces.map((namespace) => permission(namespace, 'write')), DAY_S));
      const info: TemporalServerInfo = {
        mode: this.mode,
        namespaces: [...this.namespaces],
        ...served.settings,
        ...(apiKey ? { apiKey } : {}),
        profile: served.profile,
        env: {
          ...Object.fromEntries(allVariables(served.settings)),
          TEMPORAL_CONFIG_FILE: served.profile,
          ...(apiKey ? { TEMPORAL_API_KEY: apiKey } : {}),
        },
      };
      return new StartedTemporalTlsContainer(served.server, info, minter, async () => {
        await removeRunContainers(runId);
        await workDir.remove();
      });
    } catch (error) {
      await Promise.all([engineReady && removeRunContainers(runId).catch(() => undefined), workDir.remove()]);
      return asMisuse(error); // e.g. the server's verdict on a namespace name
    }
  }

  /** The files, checked before anything is started; `undefined` for a minted PKI. */
  private checkedCertificates() {
    const files = this.certificates;
    if (!files) return undefined;
    if (this.mode === 'plain') {
      throw new TemporalTlsContainerError("withCertificates() does not apply to withMode('plain'): a plain server uses no certificates");
    }
    const clientCas = files.clientCas ?? [];
    if (this.mode === 'mtls' && clientCas.length === 0) {
      throw new TemporalTlsContainerError(
        "withMode('mtls') with your own certificates needs clientCas: the CA(s) that signed your clients' certificates",
      );
    }
    if (this.mode === 'tls' && clientCas.length > 0) {
      throw new TemporalTlsContainerError("clientCas applies to withMode('mtls') only: a tls server asks for no client certificate");
    }
    try {
      return readUserCertificates(this.mode, { ...files, clientCa: clientCas }, OPTION_NAMES);
    } catch (error) {
      return asMisuse(error);
    }
  }
}

/** A running server, with everything a client, a worker or a test environment needs to reach it. */
export class StartedTemporalTlsContainer implements AsyncDisposable {
  private stopped?: Promise<void>;

  /** @internal Made by {@link TemporalTlsContainer.start}. */
  constructor(
    private readonly server: StartedTemporalServer,
    private readonly info: TemporalServerInfo,
    private readonly minter: ApiKeyMinter | undefined,
    private readonly remove: () => Promise<void>,
  ) {}

  /**
   * With {@link TemporalTlsContainer.withApiKeys}: an API key (a JWT the server accepts) granting
   * `role` on each of `namespaces` (default: write on the server's namespace), valid for
   * `expiresInS` seconds (default one hour; negative for an already expired one).
   */
  async mintApiKey(options: { namespaces?: string[]; role?: Role; expiresInS?: number } = {}): Promise<string> {
    if (!this.minter) throw new TemporalTlsContainerError('mintApiKey() needs a server started withApiKeys()');
    const role = options.role ?? 'write';
    return this.minter((options.namespaces ?? [this.getNamespace()]).map((namespace) => permission(namespace, role)), options.expiresInS);
  }

  /** `host:port` of the frontend, as this machine reaches it (the remote engine's host when DOCKER_HOST names one). */
  getAddress(): string {
    return this.info.address;
  }

  getHost(): string {
    return this.info.address.slice(0, this.info.address.lastIndexOf(':'));
  }

  getPort(): number {
    return Number(this.info.address.slice(this.info.address.lastIndexOf(':') + 1));
  }

  /** The first namespace given to `withNamespaces` (default `default`). */
  getNamespace(): string {
    return this.info.namespace;
  }

  /** Every registered namespace. */
  getNamespaces(): string[] {
    return [...this.info.namespaces];
  }

  getMode(): TlsMode {
    return this.info.mode;
  }

  /** File paths: the CA that verifies the server, and the client certificate and key (mtls); the server name to verify when the host is not in the certificate. */
  getCertificateFiles(): { ca?: string; cert?: string; key?: string; serverName?: string } {
    const { ca, cert, key, serverName } = this.info;
    return { ca, cert, key, serverName };
  }

  /** Options for `Connection.connect` of `@temporalio/client`. */
  getConnectionOptions(): ConnectionOptions {
    return connectionOptionsOf(this.info);
  }

  /** Options for `NativeConnection.connect` of `@temporalio/worker`. */
  getNativeConnectionOptions(): NativeConnectionOptions {
    return nativeConnectionOptionsOf(this.info);
  }

  /**
   * Environment variables for a client configured from the environment: both families (the
   * Temporal samples' `TEMPORAL_SERVER_ROOT_CA_CERT_PATH`..., and `@temporalio/envconfig`'s
   * `TEMPORAL_TLS_*`), plus `TEMPORAL_CONFIG_FILE`, an envconfig profile file of the same settings.
   */
  getClientEnv(): Record<string, string> {
    return { ...this.info.env };
  }

  /** The envconfig TOML profile (profile `default`) of this server. */
  getProfilePath(): string {
    return this.info.profile;
  }

  /** The server as plain data, as the jest helpers pass it to test files. */
  getInfo(): TemporalServerInfo {
    return structuredClone(this.info);
  }

  /**
   * A `@temporalio/testing` TestWorkflowEnvironment on this server
   * (`TestWorkflowEnvironment.createFromExistingServer`); call its `teardown()` before `stop()`.
   */
  async createTestWorkflowEnvironment(): Promise<TestWorkflowEnvironment> {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    return TestWorkflowEnvironment.createFromExistingServer({
      address: this.getAddress(),
      namespace: this.getNamespace(),
      connectionOptions: { tls: tlsConfigOf(this.info), ...(this.info.apiKey ? { apiKey: this.info.apiKey } : {}) },
    });
  }

  /** The server's last log lines, for a failing test's report. */
  getLogs(lines = 40): string {
    return this.server.recentLog(lines);
  }

  /** Remove the container and the certificate folder; calling it again is harmless. */
  stop(): Promise<void> {
    this.stopped ??= this.remove();
    return this.stopped;
  }

  /** `await using server = await new TemporalTlsContainer().start()` stops it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
