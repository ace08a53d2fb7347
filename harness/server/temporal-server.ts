/**
 * A real Temporal server in a container, in the style of testcontainers' own modules:
 *
 *   const server = await new TemporalServerContainer(image, 'mtls')
 *     .withFrontendCertificate({ cert, key })
 *     .withClientCas([ca])
 *     .withInternalPki(internal)
 *     .withNamespaces('default', 'harness-other')
 *     .start();
 *
 * The harness reaches every server through an internal name (SNI `INTERNAL_SERVER_NAME`)
 * that Temporal's per-SNI `hostOverrides` answers with a certificate of the internal PKI. The
 * default certificate, the one under test, can then be expired or malformed without locking the
 * harness, or the server's own system worker, out.
 */
import { Readable } from 'node:stream';
import type { Connection } from '@temporalio/client';
import { AbstractStartedContainer, GenericContainer, getContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { ServerImage } from '../env/server-image';
import { ownLabels } from '../env/labels';
import { defaultPublishAddresses } from '../env/engine-host';
import { freeDualStackPorts } from './host-ports';
import {
  AuthorizationConfig,
  clientCaFile,
  CONTAINER_CERT_DIR,
  CONTAINER_CONFIG_PATH,
  CONTAINER_DYNAMIC_CONFIG_PATH,
  CONTAINER_JWKS_PATH,
  DynamicConfig,
  FRONTEND_CERT_FILE,
  FRONTEND_GRPC_PORT,
  FRONTEND_HTTP_PORT,
  FRONTEND_KEY_FILE,
  INTERNAL_SERVER_NAME,
  renderDynamicConfig,
  renderServerConfig,
  ServerKeyPair,
  ServerMode,
  ServerOptions,
  servicesOf,
  SystemWorkerMisconfiguration,
} from './config';
import { GrpcHealthWaitStrategy } from './health-wait';
import { connectInternal, EndpointAuthorization, InternalPki, internalTls, KeyPairFiles, ServerEndpoint } from './endpoint';
import { NamespaceRefusedError, registerNamespaces } from './namespaces';
import { signingKeyFiles } from '../auth/signing-keys';
import { ServerUnhealthyError, type ServerHealth } from './health';
import { startFailed, systemWorkerHealth } from './system-worker-health';

const SERVER_LOG_LINES_KEPT = 400;
const EXIT_POLL_MS = 200;

export class TemporalServerContainer extends GenericContainer {
  private frontend?: KeyPairFiles;
  private clientCas: string[] = [];
  private requireClientAuth = true;
  private internal?: InternalPki;
  private namespaces: string[] = ['default'];
  private hostPort?: number;
  private httpHostPort?: number;
  private publishOn?: string[];
  private authorization?: EndpointAuthorization;
  private options: ServerOptions = {};
  private unhealthyKept = false;
  private readonly logLines: string[] = [];

  constructor(
    image: ServerImage,
    private readonly name: string,
    private readonly mode: ServerMode,
    runId = String(process.pid),
  ) {
    super(image.name);
    this.withEntrypoint([image.entrypoint])
      .withLabels(ownLabels(runId))
      .withStartupTimeout(60_000)
      .withLogConsumer((stream) => this.keepLog(stream));
  }

  /** The certificate and key the frontend presents by default (tls and mtls). */
  withFrontendCertificate(files: KeyPairFiles): this {
    this.frontend = files;
    return this;
  }

  /** CAs the frontend accepts client certificates from (mtls). */
  withClientCas(caFiles: string[]): this {
    this.clientCas = caFiles;
    return this;
  }

  /**
   * mtls: keep the client CAs but stop requiring client certificates (`requireClientAuth:
   * false`), the misconfiguration under which any client gets in. Only for proving that hole.
   */
  withClientAuthNotRequired(): this {
    this.requireClientAuth = false;
    return this;
  }

  withInternalPki(internal: InternalPki): this {
    this.internal = internal;
    return this;
  }

  /**
   * Turn on authorization: the default authorizer and JWT claim mapper, trusting the JWKS in
   * `signing.keysDir` (see harness/auth/signing-keys.ts); the harness's own connections then
   * carry a system-admin token signed with the same keys.
   */
  withAuthorization(authorization: EndpointAuthorization): this {
    this.authorization = authorization;
    return this;
  }

  /** Publish the frontend on this host port instead of a random one. */
  withHostPort(port: number): this {
    this.hostPort = port;
    return this;
  }

  /**
   * Publish the ports on these host addresses instead of loopback (a remote engine: the address
   * clients dial); `0.0.0.0` and `::` publish on every interface, to anyone who reaches this machine.
   */
  withPublishedOn(...addresses: string[]): this {
    this.publishOn = addresses;
    return this;
  }

  /** Publish the frontend's HTTP API on this host port instead of a random one. */
  withHttpHostPort(port: number): this {
    this.httpHostPort = port;
    return this;
  }

  /** Keep state in a SQLite file in the container, so that it survives a container restart. */
  withFileStore(): this {
    this.options = { ...this.options, fileStore: true };
    return this;
  }

  /** Re-read the certificate files this often (a Go duration, e.g. `1s`), so that a replaced one is served. */
  withTlsRefreshInterval(interval: string): this {
    this.options = { ...this.options, tlsRefreshInterval: interval };
    return this;
  }

  /**
   * Run frontend, history and matching only: without the worker service (the server's system
   * workflows: scanner, schedules, batch operations), which no connection under test needs.
   */
  withoutWorkerService(): this {
    this.options = { ...this.options, workerService: false };
    return this;
  }

  /**
   * Set up the server's own worker the way users get it wrong after turning on mTLS or
   * authorization: only to prove what such a server does (see SystemWorkerMisconfiguration).
   */
  withSystemWorkerMisconfigured(how: SystemWorkerMisconfiguration): this {
    this.options = { ...this.options, systemWorkerMisconfigured: how };
    return this;
  }

  /**
   * Return a server found unhealthy (its own worker fails, or its frontend cannot be reached through
   * its published port), with its `health` saying how, instead of refusing to start it: for proving
   * what clients of such a server see.
   */
  withUnhealthyKept(): this {
    this.unhealthyKept = true;
    return this;
  }

  /** Bind the frontend to this address inside the container (default all interfaces, which its published port needs). */
  withFrontendBoundTo(ip: string): this {
    this.options = { ...this.options, frontendBindIp: ip };
    return this;
  }

  /**
   * Dynamic config values the server starts with, e.g. `{ 'frontend.keepAliveMaxConnectionAge': '5s' }`
   * (keys as the server's dynamicconfig package names them). Merged with earlier calls.
   */
  withDynamicConfig(values: DynamicConfig): this {
    for (const [key, value] of Object.entries(values)) {
      if (!/^[a-z]+\.[A-Za-z0-9.]+$/.test(key)) throw new Error(`"${key}" is not a dynamic config key (such as frontend.keepAliveMaxConnectionAge)`);
      if (value === '') throw new Error(`dynamic config ${key} has an empty value`);
    }
    this.options = { ...this.options, dynamicConfig: { ...this.options.dynamicConfig, ...values } };
    return this;
  }

  /** Namespaces registered once the server is up (the full server creates none). */
  withNamespaces(...namespaces: string[]): this {
    this.namespaces = namespaces;
    return this;
  }

  override async start(): Promise<StartedTemporalServer> {
    const addresses = this.publishOn ?? defaultPublishAddresses();
    // On two addresses (127.0.0.1 and ::1), Docker picks a random port for each: measured here,
    // 33076 on IPv4 and 33066 on IPv6 for one container, so "localhost:port" resolved to ::1 first
    // (most laptops) reached another container or nothing. One port, free on both, for each.
    const [grpcPort, httpPort] = addresses.length > 1 ? await freeDualStackPorts(2) : [];
    const published = (container: number, host: number | undefined) => (host ? { container, host } : container);
    this.withExposedPorts(published(FRONTEND_GRPC_PORT, this.hostPort ?? grpcPort), published(FRONTEND_HTTP_PORT, this.httpHostPort ?? httpPort)).bindPublishedPorts(addresses);
    this.prepareFiles();
    const services = servicesOf(this.options, this.authorization !== undefined).flatMap((service) => ['--service', service]);
    const allowNoAuth = this.authorization ? [] : ['--allow-no-auth'];
    this.withCommand(['--config-file', CONTAINER_CONFIG_PATH, ...allowNoAuth, 'start', ...services]);
    const tls = this.internal ? await internalTls(this.mode, this.internal) : false;
    const readiness = new GrpcHealthWaitStrategy(tls, () => this.logLines, this.unhealthyKept);
    this.withWaitStrategy(readiness);
    let started: StartedTestContainer | undefined;
    try {
      started = await super.start();
      const container = started;
      if (readiness.found) return new StartedTemporalServer(container, this.name, this.mode, this.internal!, this.logLines, this.authorization, readiness.found);
      const health = await this.healthOnceServing(container);
      if (health && !this.unhealthyKept) throw new ServerUnhealthyError(health);
      return new StartedTemporalServer(container, this.name, this.mode, this.internal!, this.logLines, this.authorization, health);
    } catch (error) {
      await started?.stop().catch(() => undefined);
      throw withServerLog(error, this.mode, this.logLines);
    }
  }

  /**
   * Namespaces registered, then the server's own worker watched. A server that exits meanwhile
   * (its connection refused, its namespaces retried while it is unavailable) is named by its log:
   * under two matrix runs at once, one exited before the harness had even connected.
   */
  private async healthOnceServing(container: StartedTestContainer): Promise<ServerHealth | undefined> {
    const endpoint = new StartedTemporalServer(container, this.name, this.mode, this.internal!, this.logLines, this.authorization).endpoint();
    const exited = () => hasExited(container);
    const exit = watchExit(exited);
    let connection: Connection | undefined;
    const served = (async () => {
      connection = await connectInternal(endpoint);
      await registerNamespaces(connection, this.namespaces);
      return this.options.workerService === false ? undefined : systemWorkerHealth({ connection, recentLog: () => this.logLines, exited });
    })();
    served.catch(() => undefined); // once the exit has answered, how the rest ends does not matter
    try {
      return await Promise.race([served, exit.exited.then(() => startFailed(this.logLines))]);
    } finally {
      exit.stop();
      await (connection as Connection | undefined)?.close();
    }
  }

  /** Each published port on each of `addresses` (testcontainers publishes on every interface); none given: every interface. */
  private bindPublishedPorts(addresses: string[]): this {
    if (addresses.length === 0) return this;
    const bindings = this.hostConfig.PortBindings ?? {};
    for (const [port, published] of Object.entries(bindings)) {
      bindings[port] = addresses.flatMap((address) => (published as { HostPort: string }[]).map((binding) => ({ ...binding, HostIp: address })));
    }
    return this;
  }

  /** Render the config and queue it, with the certificates it names, for copying in before start. */
  private prepareFiles(): void {
    const auth: AuthorizationConfig | undefined = this.authorization && { audience: this.authorization.audience };
    if (this.authorization) {
      this.withCopyFilesToContainer([{ source: signingKeyFiles(this.authorization.keysDir).jwksPath, target: CONTAINER_JWKS_PATH, mode: 0o644 }]);
    }
    if (this.options.dynamicConfig) {
      this.withCopyContentToContainer([{ content: renderDynamicConfig(this.options.dynamicConfig), target: CONTAINER_DYNAMIC_CONFIG_PATH }]);
    }
    if (this.mode === 'plain') {
      this.withCopyContentToContainer([{ content: renderServerConfig('plain', undefined, auth, this.options), target: CONTAINER_CONFIG_PATH }]);
      return;
    }
    if (!this.frontend || !this.internal) {
      throw new Error(`a ${this.mode} server needs withFrontendCertificate() and withInternalPki()`);
    }
    const internal = this.internal;
    const copies: { source: string; name: string; mode: number }[] = [];
    const place = (source: string, name: string, secret = false): string => {
      copies.push({ source, name, mode: secret ? 0o600 : 0o644 });
      return name;
    };
    const pair = (files: KeyPairFiles, name: string): ServerKeyPair => ({
      certFile: place(files.cert, `${name}.pem`),
      keyFile: place(files.key, `${name}.key`, true),
    });
    const internalCa = place(internal.caFile, 'internal-ca.pem');
    const clientCaFiles = this.clientCas.map((file, i) => place(file, clientCaFile(i)));
    const config = renderServerConfig(this.mode, {
      frontend: { certFile: place(this.frontend.cert, FRONTEND_CERT_FILE), keyFile: place(this.frontend.key, FRONTEND_KEY_FILE, true) },
      hostOverrides: { [INTERNAL_SERVER_NAME]: pair(internal.server, 'internal-server') },
      clientCaFiles: this.mode === 'mtls' ? [...clientCaFiles, internalCa] : undefined,
      requireClientAuth: this.requireClientAuth,
      serverCaFile: internalCa,
      serverName: INTERNAL_SERVER_NAME,
      systemWorker: pair(internal.client, 'system-worker'),
    }, auth, this.options);
    this.withCopyFilesToContainer(
      copies.map(({ source, name, mode }) => ({ source, target: `${CONTAINER_CERT_DIR}/${name}`, mode })),
    ).withCopyContentToContainer([{ content: config, target: CONTAINER_CONFIG_PATH }]);
  }

  private keepLog(stream: Readable): void {
    let partial = '';
    stream.on('data', (chunk: Buffer | string) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      this.logLines.push(...lines);
      if (this.logLines.length > SERVER_LOG_LINES_KEPT) this.logLines.splice(0, this.logLines.length - SERVER_LOG_LINES_KEPT);
    });
  }
}

export class StartedTemporalServer extends AbstractStartedContainer {
  constructor(
    container: StartedTestContainer,
    readonly name: string,
    readonly mode: ServerMode,
    private readonly internal: InternalPki,
    private readonly logLines: string[],
    private readonly authorization?: EndpointAuthorization,
    /** Set when the server was found unhealthy as it started (only with withUnhealthyKept). */
    readonly health?: ServerHealth,
  ) {
    super(container);
  }

  /** What the rest of the harness needs to reach this server. */
  endpoint(): ServerEndpoint {
    return {
      name: this.name,
      mode: this.mode,
      address: `${this.getHost()}:${this.getMappedPort(FRONTEND_GRPC_PORT)}`,
      httpAddress: `${this.getHost()}:${this.getMappedPort(FRONTEND_HTTP_PORT)}`,
      internal: this.internal,
      ...(this.authorization ? { authorization: this.authorization } : {}),
      ...(this.health ? { health: this.health } : {}),
      containerId: this.getId(),
    };
  }

  /** The last lines the server printed, for a failure report. */
  recentLog(lines = 40): string {
    return this.logLines.slice(-lines).join('\n');
  }
}

/** Resolves `exited` once the server's process is gone, until stopped. */
function watchExit(hasGone: () => Promise<boolean>): { exited: Promise<void>; stop: () => void } {
  let watching = true;
  const exited = (async () => {
    while (watching) {
      if (await hasGone()) return;
      await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
    }
    await new Promise(() => undefined); // stopped: never settles
  })();
  return { exited, stop: () => void (watching = false) };
}

async function hasExited(container: StartedTestContainer): Promise<boolean> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const inspected = await docker.getContainer(container.getId()).inspect().catch(() => undefined);
  return inspected ? !inspected.State.Running : true;
}

function withServerLog(error: unknown, mode: ServerMode, logLines: string[]): Error {
  if (error instanceof NamespaceRefusedError) return error; // the input was wrong, not the server
  if (error instanceof ServerUnhealthyError) return error; // it carries the one line of the log that matters
  const message = error instanceof Error ? error.message : String(error);
  const tail = logLines.slice(-25).join('\n');
  return new Error(`the ${mode} Temporal server did not start: ${message}${tail ? `\n--- server log (last lines) ---\n${tail}` : ''}`);
}
