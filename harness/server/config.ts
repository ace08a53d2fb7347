/**
 * Renders the Temporal server's YAML for one container: every service in one process, in-memory
 * SQLite, and the frontend's TLS. Paths are the ones inside the container (see {@link CONTAINER_CERT_DIR}).
 */
import { stringify } from 'yaml';

export type ServerMode = 'plain' | 'tls' | 'mtls';

export const FRONTEND_GRPC_PORT = 7233;
/** The frontend's HTTP API (grpc-gateway): what users dial by mistake for gRPC. */
export const FRONTEND_HTTP_PORT = 7243;
export const CONTAINER_CERT_DIR = '/etc/temporal/certs';
export const CONTAINER_CONFIG_PATH = '/etc/temporal/config.yaml';
export const CONTAINER_JWKS_PATH = '/etc/temporal/auth/jwks.json';

/**
 * Authorization with the server's own plug-ins: the default authorizer and JWT claim mapper,
 * keys from a JWKS file. `audience`, when set, is an `aud` every token must carry.
 */
export interface AuthorizationConfig {
  audience?: string;
}

/** Every service, for `start`: the default list lacks internal-frontend, which authorization needs. */
export const ALL_SERVICES_WITH_INTERNAL_FRONTEND = ['frontend', 'internal-frontend', 'history', 'matching', 'worker'];

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

const sqliteStore = {
  sql: {
    pluginName: 'sqlite',
    databaseName: 'default',
    connectAddr: 'localhost',
    connectProtocol: 'tcp',
    connectAttributes: { mode: 'memory', cache: 'private' },
    maxConns: 1,
    maxIdleConns: 1,
    maxConnLifetime: '1h',
  },
};

/**
 * Internal services bind loopback only; just the frontend listens on all interfaces for the port
 * mapping. With authorization, the server's own worker would be refused by the public frontend
 * (the server then exits: "error starting scanner"), so an internal-frontend serves it: every
 * caller there is system admin, which is why it must stay on loopback.
 */
function services(withInternalFrontend: boolean) {
  const internal = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
  });
  return {
    frontend: { rpc: { grpcPort: FRONTEND_GRPC_PORT, membershipPort: 6933, bindOnIP: '0.0.0.0', httpPort: FRONTEND_HTTP_PORT } },
    ...(withInternalFrontend ? { 'internal-frontend': internal(7236, 6936, 7246) } : {}),
    history: internal(7234, 6934),
    matching: internal(7235, 6935),
    worker: internal(7239, 6939),
  };
}

function authorizationSection(auth: AuthorizationConfig) {
  return {
    authorizer: 'default',
    claimMapper: 'default',
    jwtKeyProvider: { keySourceURIs: [`file://${CONTAINER_JWKS_PATH}`] },
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
}

function tlsSection(mode: ServerMode, tls: ServerTlsFiles | undefined) {
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
    ...(mutual && tls.systemWorker
      ? { certFile: inCertDir(tls.systemWorker.certFile), keyFile: inCertDir(tls.systemWorker.keyFile) }
      : {}),
    client: { serverName: tls.serverName, rootCaFiles: [inCertDir(tls.serverCaFile)] },
  };
  return {
    frontend: {
      server: serverBlock(tls.frontend),
      ...(Object.keys(hostOverrides).length > 0 ? { hostOverrides } : {}),
    },
    systemWorker,
  };
}

/** The complete server configuration for `mode`, as YAML. */
export function renderServerConfig(mode: ServerMode, tls?: ServerTlsFiles, auth?: AuthorizationConfig): string {
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'sqlite-default',
      visibilityStore: 'sqlite-visibility',
      numHistoryShards: 1,
      datastores: { 'sqlite-default': sqliteStore, 'sqlite-visibility': sqliteStore },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(mode === 'plain' ? {} : { tls: tlsSection(mode, tls) }),
      ...(auth ? { authorization: authorizationSection(auth) } : {}),
    },
    services: services(auth !== undefined),
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
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
  };
  return stringify(config);
}
