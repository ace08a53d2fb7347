/**
 * A started server as plain data (what jest's global set-up hands to test files through the
 * environment), and the SDK connection options made from it. No SDK is loaded here: the options
 * are plain objects, typed against the SDKs.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TLSConfig } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { ServerMode } from '../server/config';

export interface TemporalServerInfo {
  mode: ServerMode;
  /** `host:port` of the frontend. */
  address: string;
  /** The first registered namespace. */
  namespace: string;
  namespaces: string[];
  /** The CA that verifies the server (tls, mtls). */
  ca?: string;
  /** The client certificate and key (mtls). */
  cert?: string;
  key?: string;
  /** The name to verify the server as, when the address host is not in its certificate. */
  serverName?: string;
  /** With API keys: a token granting write on every registered namespace (the SDKs' `apiKey`). */
  apiKey?: string;
  /** An envconfig TOML profile (profile `default`) of these settings, without the API key. */
  profile: string;
  /** Both families of client variables, TEMPORAL_CONFIG_FILE (the profile) and, with API keys, TEMPORAL_API_KEY. */
  env: Record<string, string>;
}

/** TLS options for either SDK, read from the files the info names; `false` for a plain server. */
export function tlsConfigOf(info: TemporalServerInfo): TLSConfig | false {
  if (info.mode === 'plain' || !info.ca) return false;
  return {
    serverRootCACertificate: readFileSync(info.ca),
    ...(info.cert && info.key ? { clientCertPair: { crt: readFileSync(info.cert), key: readFileSync(info.key) } } : {}),
    ...(info.serverName ? { serverNameOverride: info.serverName } : {}),
  };
}

/** Options for `Connection.connect` of `@temporalio/client`. */
export function connectionOptionsOf(info: TemporalServerInfo): ConnectionOptions {
  return { address: info.address, tls: tlsConfigOf(info), ...(info.apiKey ? { apiKey: info.apiKey } : {}) };
}

/** Options for `NativeConnection.connect` of `@temporalio/worker`. */
export function nativeConnectionOptionsOf(info: TemporalServerInfo): NativeConnectionOptions {
  return { address: info.address, tls: tlsConfigOf(info), ...(info.apiKey ? { apiKey: info.apiKey } : {}) };
}
