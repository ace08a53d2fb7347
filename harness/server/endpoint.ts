/**
 * A running server as the rest of the harness sees it: a name, a mode and an address, plus the
 * internal credentials that always get the harness in. Plain data, so jest's global set-up can
 * hand it to test workers through the environment.
 */
import { readFile } from 'node:fs/promises';
import { Connection, type TLSConfig } from '@temporalio/client';
import { INTERNAL_SERVER_NAME, ServerMode } from './config';

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

export interface ServerEndpoint {
  name: string;
  mode: ServerMode;
  /** `host:port` of the frontend as seen from this machine. */
  address: string;
  internal: InternalPki;
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

/** A client connection with the harness's internal credentials, for set-up and checks. */
export async function connectInternal(endpoint: ServerEndpoint): Promise<Connection> {
  return Connection.connect({
    address: endpoint.address,
    tls: await internalTls(endpoint.mode, endpoint.internal),
    connectTimeout: 5000,
  });
}
