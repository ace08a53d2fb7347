/**
 * A running server as the rest of the harness sees it: a name, a mode and an address, plus the
 * internal credentials that always get the harness in. Plain data, so jest's global set-up can
 * hand it to test workers through the environment.
 */
import { readFile } from 'node:fs/promises';
import type { Connection, TLSConfig } from '@temporalio/client';
import { connectClosingAfterRetries } from '../stacks/retry-timers';
import { INTERNAL_SERVER_NAME, ServerMode } from './config';
import { loadSigner, signingKeyFiles } from '../auth/signing-keys';
import { mintToken, permission, SYSTEM_NAMESPACE } from '../auth/tokens';
import type { ServerHealth } from './health';

/** Files on the host. */
export interface KeyPairFiles {
  cert: string;
  key: string;
}

/** The harness's own credentials on a server, whatever certificate the server presents by default. */
export interface InternalPki {
  /** The CA that signed both certificates below. */
  caFile: string;
  /** A server certificate whose SANs include INTERNAL_SERVER_NAME. */
  server: KeyPairFiles;
  /** A client certificate (EKU clientAuth) for the system worker and the harness's own connections. */
  client: KeyPairFiles;
}

/** A server with authorization on: where its signing keys are, and the audience it requires. */
export interface EndpointAuthorization {
  /** The certificates folder whose `auth/` holds the signing keys and the JWKS (harness/auth/signing-keys.ts). */
  keysDir: string;
  audience?: string;
}

export interface ServerEndpoint {
  name: string;
  mode: ServerMode;
  /** `host:port` of the frontend as seen from this machine. */
  address: string;
  /** `host:port` of the frontend's HTTP API, when published. */
  httpAddress?: string;
  internal: InternalPki;
  authorization?: EndpointAuthorization;
  /** Set when the server's own worker failed once it served (system-worker-health.ts). */
  health?: ServerHealth;
  /** The server's container, for the faults done to it (server/faults.ts). */
  containerId?: string;
}

/** How often the harness's own connections ping: far less than any server in the matrix refuses. */
export const HARNESS_KEEPALIVE_MS = 5 * 60 * 1000;

/** The harness's own connections live as long as a run or a `serve` session. */
const INTERNAL_TOKEN_LIFETIME_S = 24 * 60 * 60;
const internalTokens = new Map<string, Promise<string>>();

/**
 * The system-admin token (`temporal-system:admin`) the harness's own clients and workers carry on
 * a server with authorization: the default claim mapper ignores client certificates, so on mTLS
 * they need both. Undefined for a server without authorization.
 */
export function internalApiKey(endpoint: ServerEndpoint): Promise<string> | undefined {
  const auth = endpoint.authorization;
  if (!auth) return undefined;
  const key = `${auth.keysDir}|${auth.audience ?? ''}`;
  if (!internalTokens.has(key)) {
    const minting = loadSigner(signingKeyFiles(auth.keysDir)).then((signer) =>
      mintToken(signer, {
        subject: 'temporal-tls-harness',
        permissions: [permission(SYSTEM_NAMESPACE, 'admin')],
        expiresInS: INTERNAL_TOKEN_LIFETIME_S,
        audience: auth.audience,
      }),
    );
    internalTokens.set(key, minting);
  }
  return internalTokens.get(key);
}

/** TLS options with which the harness itself reaches a server of `mode`. */
export async function internalTls(mode: ServerMode, internal: InternalPki): Promise<TLSConfig | false> {
  if (mode === 'plain') return false;
  const [ca, crt, key] = await Promise.all([
    readFile(internal.caFile),
    readFile(internal.client.cert),
    readFile(internal.client.key),
  ]);
  return {
    serverRootCACertificate: ca,
    serverNameOverride: INTERNAL_SERVER_NAME,
    ...(mode === 'mtls' ? { clientCertPair: { crt, key } } : {}),
  };
}

/**
 * A client connection with the harness's internal credentials, for set-up and checks. Its
 * connect is expected to succeed, so its deadline is generous: two runs starting 52 servers on
 * 2 cores kept a SERVING server's connect past 5 s. Its keepalive pings every 5 minutes, not the
 * SDK's 30 s: a server that refuses pings more often than every 60 s (the lifetime family's
 * `tls-strict-pings`) would otherwise refuse the harness's own connection too, and grpc-js would
 * print that into the run's output. Its close() waits for the SDK's pending retries (see
 * stacks/retry-timers.ts).
 */
export async function connectInternal(endpoint: ServerEndpoint): Promise<Connection> {
  const apiKey = await internalApiKey(endpoint);
  return connectClosingAfterRetries({
    address: endpoint.address,
    tls: await internalTls(endpoint.mode, endpoint.internal),
    ...(apiKey ? { apiKey } : {}),
    connectTimeout: 30_000,
    channelArgs: { 'grpc.keepalive_time_ms': HARNESS_KEEPALIVE_MS },
  });
}
