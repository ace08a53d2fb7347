/**
 * The environment `validate` runs in, which is the user's shell: the trust-store, proxy and Node
 * variables it sets, what the worker's system store holds, and what follows for each stack,
 * said before the probes run (the probes then run in this same environment).
 */
import { existsSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { clientProxy } from '../diagnosis/proxies';
import { storeCertificates, storesHoldingIssuer } from '../diagnosis/trust-stores';
import { CONNECTION_VARIABLES } from '../stacks/child/connection-variables';

export interface EnvironmentReport {
  /** The connection variables that are set, with their values (file paths, proxy URLs). */
  variables: Record<string, string>;
  /** Node's own trust flags in effect (NODE_OPTIONS or the command line). */
  nodeFlags: string[];
  /** What the worker (rustls-native-certs) reads as the system store, and how many certificates it holds. */
  systemStore: { from: string; certificates: number };
  /** What follows for each stack, one sentence each. */
  notes: string[];
}

/** Where rustls-native-certs (through openssl-probe) looks on Linux when SSL_CERT_FILE/SSL_CERT_DIR are unset. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];
const TRUST_FLAGS = ['--use-openssl-ca', '--use-bundled-ca', '--use-system-ca'];

export function describeEnvironment(
  env: Record<string, string | undefined>,
  execArgv: readonly string[],
  /** The chain the server sent, when it was read; with `serverCa`, whether the application passes a CA. */
  server?: { chain: X509Certificate[]; serverCa: boolean; tls: boolean },
): EnvironmentReport {
  const variables = Object.fromEntries(CONNECTION_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])));
  const nodeFlags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].filter((flag) => TRUST_FLAGS.includes(flag));
  const systemStore = workerSystemStore(env);
  const notes = [...trustNotes(env, nodeFlags, systemStore, server), ...proxyNotes(env)];
  return { variables, nodeFlags, systemStore, notes };
}

function workerSystemStore(env: Record<string, string | undefined>): EnvironmentReport['systemStore'] {
  const named = [env.SSL_CERT_FILE, env.SSL_CERT_DIR].filter((value): value is string => Boolean(value));
  const sources = named.length > 0 ? named : SYSTEM_BUNDLES.filter((file) => existsSync(file)).slice(0, 1);
  return {
    from: sources.length > 0 ? sources.join(' and ') : 'nothing (no CA bundle found)',
    certificates: sources.reduce((count, source) => count + storeCertificates(source).length, 0),
  };
}

function trustNotes(
  env: Record<string, string | undefined>,
  nodeFlags: string[],
  store: EnvironmentReport['systemStore'],
  server: { chain: X509Certificate[]; serverCa: boolean; tls: boolean } | undefined,
): string[] {
  const notes: string[] = [];
  if (store.certificates === 0) {
    notes.push(`the worker's system store (${store.from}) is empty: with tls on and no CA, the worker fails (SYSTEM_ROOTS_MISSING)`);
  }
  if (!server?.tls || server.chain.length === 0) return notes;
  const [client, worker] = (['client', 'worker'] as const).map((stack) => storesHoldingIssuer(server.chain, env, stack, nodeFlags));
  const holding = [...new Set(client.map(({ variable }) => variable))];
  if (holding.length === 0) return notes;
  if (server.serverCa) {
    notes.push(`the server's CA is in ${holding.join(', ')}, but the CA the application passes replaces every store (CUSTOM_CA_REPLACES_SYSTEM_ROOTS if it is not that CA)`);
    return notes;
  }
  const reads = (stores: typeof client) => stores.some(({ read }) => read);
  if (reads(client) && !reads(worker)) {
    notes.push(`the server's CA is only in ${holding.join(', ')}, which only the client reads: the worker will not trust the server (give it SSL_CERT_FILE)`);
  } else if (reads(worker) && !reads(client)) {
    notes.push(`the server's CA is only in ${holding.join(', ')}, which only the worker reads: the client will not trust the server (give it NODE_EXTRA_CA_CERTS or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH)`);
  } else if (!reads(client) && !reads(worker)) {
    notes.push(`the server's CA is in ${holding.join(', ')}, which neither stack reads as set`);
  }
  return notes;
}

function proxyNotes(env: Record<string, string | undefined>): string[] {
  const proxy = clientProxy(env);
  const notes: string[] = [];
  if (proxy) {
    const exempt = env.no_grpc_proxy ?? env.no_proxy;
    notes.push(`the client goes through the HTTP proxy ${proxy}${exempt ? ` except for ${exempt}` : ''}; the worker ignores the proxy variables and connects directly`);
  } else if (env.HTTPS_PROXY || env.HTTP_PROXY || env.GRPC_PROXY) {
    notes.push('a proxy is named only in upper case (HTTPS_PROXY/HTTP_PROXY): grpc-js reads only the lower-case variables, so both stacks connect directly');
  }
  const https = [env.grpc_proxy, env.https_proxy, env.http_proxy].find(Boolean);
  if (https && !proxy) notes.push(`the proxy URL ${https} is not http://, which grpc-js ignores: the client connects directly`);
  return notes;
}
