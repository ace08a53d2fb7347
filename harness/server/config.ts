/**
 * Renders the Temporal server's YAML for one container: every service in one process, SQLite (in
 * memory unless the server must survive a restart), and the frontend's TLS. Paths are the ones
 * inside the container (see {@link CONTAINER_CERT_DIR}).
 */
import { stringify } from 'yaml';

export type ServerMode = 'plain' | 'tls' | 'mtls';

export const FRONTEND_GRPC_PORT = 7233;
/** The frontend's HTTP API (grpc-gateway): what users dial by mistake for gRPC. */
export const FRONTEND_HTTP_PORT = 7243;
export const CONTAINER_CERT_DIR = '/etc/temporal/certs';
export const CONTAINER_CONFIG_PATH = '/etc/temporal/config.yaml';
export const CONTAINER_JWKS_PATH = '/etc/temporal/auth/jwks.json';
export const CONTAINER_DYNAMIC_CONFIG_PATH = '/etc/temporal/dynamic.yaml';
/**
 * Where a file-backed store keeps its databases: the folder of the configuration, which exists
 * in any image the harness starts (it copies the configuration there) and lives in the
 * container's writable layer, so it survives `docker restart`.
 */
export const CONTAINER_DATA_DIR = '/etc/temporal';
/** The frontend's default certificate and key, as {@link CONTAINER_CERT_DIR} holds them. */
export const FRONTEND_CERT_FILE = 'frontend.pem';
export const FRONTEND_KEY_FILE = 'frontend.key';
/** The file of the `index`th CA the frontend trusts for client certificates, in {@link CONTAINER_CERT_DIR}. */
export const clientCaFile = (index: number) => `client-ca-${index}.pem`;

/**
 * Authorization with the server's own plug-ins: the default authorizer and JWT claim mapper,
 * keys from a JWKS file. `audience`, when set, is an `aud` every token must carry.
 */
export interface AuthorizationConfig {
  audience?: string;
}

export type ServiceName = 'frontend' | 'internal-frontend' | 'history' | 'matching' | 'worker';

/**
 * The services one server process runs. The worker service runs the server's own system
 * workflows (scanner, schedules, batch operations); with authorization the public frontend would
 * refuse it (the server then exits: "error starting scanner"), so an internal-frontend serves it.
 */
export function servicesOf(options: ServerOptions, authorization: boolean): ServiceName[] {
  const worker = options.workerService !== false;
  const internalFrontend = worker && authorization && options.systemWorkerMisconfigured !== 'no-internal-frontend';
  return ['frontend', ...(internalFrontend ? ['internal-frontend' as const] : []), 'history', 'matching', ...(worker ? ['worker' as const] : [])];
}

/**
 * The SNI name under which the harness and the server's system worker reach any server; the
 * frontend answers it with a certificate of the harness's internal PKI (`hostOverrides`).
 */
export const INTERNAL_SERVER_NAME = 'internal.harness.test';

/** A certificate chain and key as the server reads them (file names inside {@link CONTAINER_CERT_DIR}). */
export interface ServerKeyPair {
  certFile: string;
  keyFile: string;
}

export interface ServerTlsFiles {
  /** The frontend's default certificate, used when the client's SNI matches no override. */
  frontend: ServerKeyPair;
  /** Per-SNI certificates (Temporal's `hostOverrides`), keyed by server name. */
  hostOverrides?: Record<string, ServerKeyPair>;
  /** CAs the frontend trusts for client certificates; required for mTLS. */
  clientCaFiles?: string[];
  /**
   * mTLS only: `false` keeps the client CAs but does not require client certificates, the
   * misconfiguration that lets any client in. Default true.
   */
  requireClientAuth?: boolean;
  /** The CA that signed the frontend certificate, which the server's own worker must trust. */
  serverCaFile: string;
  /** A name the frontend certificate covers, for the internal worker's verification. */
  serverName: string;
  /** The internal worker's client certificate (mTLS only). */
  systemWorker?: ServerKeyPair;
}

const inCertDir = (file: string) => `${CONTAINER_CERT_DIR}/${file}`;

/** What a server does beyond its defaults: its state across restarts, how it reloads its certificates, which services it runs. */
export interface ServerOptions {
  /**
   * Keep state in SQLite files in the container ({@link CONTAINER_DATA_DIR}) rather than in
   * memory, so that namespaces and workflows survive a container restart, as a real server's do.
   */
  fileStore?: boolean;
  /**
   * How often the server re-reads its certificate files (`global.tls.refreshInterval`, a Go
   * duration such as `1s`); unset, it reads them once. v1.32.1 reloads them on this ticker only
   * when their contents changed, and serves each new handshake from what it last loaded.
   */
  tlsRefreshInterval?: string;
  /**
   * `false`: run frontend, history and matching only. The worker service's system workflows are
   * none of a cell's business, and leaving it out halves a server's idle CPU (27 idle servers
   * took 0.52 of the 2 cores with it).
   */
  workerService?: boolean;
  /**
   * Dynamic config values (keys as the server names them, e.g. `frontend.keepAliveMaxConnectionAge`),
   * read from a file once the server starts; the lifetime family shortens the server's timers this way.
   */
  dynamicConfig?: DynamicConfig;
  /**
   * The server's own worker set up the way users get it wrong after turning on mTLS or
   * authorization (see {@link SystemWorkerMisconfiguration}); only to prove what such a server does.
   */
  systemWorkerMisconfigured?: SystemWorkerMisconfiguration;
  /**
   * The address the frontend binds inside its container (default all interfaces, which the port
   * mapping needs); `127.0.0.1` is the mistake of temporal #9734, where the published port reaches nothing.
   */
  frontendBindIp?: string;
}

/**
 * - `no-client-certificate`: an mTLS frontend, and no `systemWorker` certificate: the frontend
 *   refuses the server's own worker (helm-charts #739).
 * - `no-internal-frontend`: authorization on, and the server's own worker sent to the public
 *   frontend, which authorizes it like any caller without a token (temporal #4864, #7857).
 */
export type SystemWorkerMisconfiguration = 'no-client-certificate' | 'no-internal-frontend';

/** Dynamic config as a flat map; durations are Go durations such as `5s`. */
export type DynamicConfig = Record<string, string | number | boolean>;

/** The dynamic config file: each key with one unconstrained value. */
export function renderDynamicConfig(values: DynamicConfig): string {
  return stringify(Object.fromEntries(Object.entries(values).map(([key, value]) => [key, [{ value }]])));
}

/**
 * The store both datastores name. The sqlite plugin pools connections by DSN, so the two share one
 * database, in memory or in one file; `setup: "true"` gives the file its schema on first start
 * (v1.32.1 treats "tables exist" on later starts as benign).
 */
function sqliteStore(fileStore: boolean | undefined) {
  return {
    sql: {
      pluginName: 'sqlite',
      databaseName: fileStore ? `${CONTAINER_DATA_DIR}/temporal.db` : 'default',
      connectAddr: 'localhost',
      connectProtocol: 'tcp',
      connectAttributes: fileStore ? { mode: 'rwc', setup: 'true' } : { mode: 'memory', cache: 'private' },
      maxConns: 1,
      maxIdleConns: 1,
      maxConnLifetime: '1h',
    },
  };
}

/**
 * Internal services bind loopback only; just the frontend listens on all interfaces for the port
 * mapping. Every caller of the internal-frontend is system admin, which is why it must stay on
 * loopback.
 */
function servicesSection(names: ServiceName[], frontendBindIp = '0.0.0.0') {
  const internal = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
  });
  const all: Record<ServiceName, unknown> = {
    frontend: { rpc: { grpcPort: FRONTEND_GRPC_PORT, membershipPort: 6933, bindOnIP: frontendBindIp, httpPort: FRONTEND_HTTP_PORT } },
    'internal-frontend': internal(7236, 6936, 7246),
    history: internal(7234, 6934),
    matching: internal(7235, 6935),
    worker: internal(7239, 6939),
  };
  return Object.fromEntries(names.map((name) => [name, all[name]]));
}

function authorizationSection(auth: AuthorizationConfig) {
  return {
    authorizer: 'default',
    claimMapper: 'default',
    jwtKeyProvider: { keySourceURIs: [`file://${CONTAINER_JWKS_PATH}`] },
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
}

function tlsSection(mode: ServerMode, tls: ServerTlsFiles | undefined, options: ServerOptions) {
  if (mode === 'plain') return undefined;
  if (!tls) throw new Error(`a ${mode} server needs certificates`);
  const mutual = mode === 'mtls';
  const serverBlock = (pair: ServerKeyPair) => ({
    certFile: inCertDir(pair.certFile),
    keyFile: inCertDir(pair.keyFile),
    requireClientAuth: mutual && tls.requireClientAuth !== false,
    ...(mutual ? { clientCaFiles: (tls.clientCaFiles ?? []).map(inCertDir) } : {}),
  });
  const hostOverrides = Object.fromEntries(
    Object.entries(tls.hostOverrides ?? {}).map(([name, pair]) => [name, serverBlock(pair)]),
  );
  // An explicit systemWorker section makes the server's internal worker dial the frontend with
  // TLS, trusting the server CA under a fixed name; without it, an mTLS frontend rejects it.
  const systemWorker = {
    ...(mutual && tls.systemWorker && options.systemWorkerMisconfigured !== 'no-client-certificate'
      ? { certFile: inCertDir(tls.systemWorker.certFile), keyFile: inCertDir(tls.systemWorker.keyFile) }
      : {}),
    client: { serverName: tls.serverName, rootCaFiles: [inCertDir(tls.serverCaFile)] },
  };
  return {
    frontend: {
      server: serverBlock(tls.frontend),
      ...(Object.keys(hostOverrides).length > 0 ? { hostOverrides } : {}),
    },
    ...(options.workerService !== false ? { systemWorker } : {}),
    ...(options.tlsRefreshInterval ? { refreshInterval: options.tlsRefreshInterval } : {}),
  };
}

/** The complete server configuration for `mode`, as YAML. */
export function renderServerConfig(mode: ServerMode, tls?: ServerTlsFiles, auth?: AuthorizationConfig, options: ServerOptions = {}): string {
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'sqlite-default',
      visibilityStore: 'sqlite-visibility',
      numHistoryShards: 1,
      datastores: { 'sqlite-default': sqliteStore(options.fileStore), 'sqlite-visibility': sqliteStore(options.fileStore) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(mode === 'plain' ? {} : { tls: tlsSection(mode, tls, options) }),
      ...(auth ? { authorization: authorizationSection(auth) } : {}),
    },
    services: servicesSection(servicesOf(options, auth !== undefined), options.frontendBindIp),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${FRONTEND_GRPC_PORT}`,
          httpAddress: `127.0.0.1:${FRONTEND_HTTP_PORT}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The server reads the file at start; no cell changes it afterwards, so it is never polled again in practice.
    ...(options.dynamicConfig ? { dynamicConfigClient: { filepath: CONTAINER_DYNAMIC_CONFIG_PATH, pollInterval: '60s' } } : {}),
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
  };
  return stringify(config);
}
