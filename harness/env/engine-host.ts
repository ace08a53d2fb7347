/**
 * The host that published container ports are reached on. Locally that is this machine; when
 * DOCKER_HOST points at another machine it is that machine, and then the minted server
 * certificates must name it and every printed address must use it. testcontainers reads the
 * same host from TESTCONTAINERS_HOST_OVERRIDE, which is set here (before it is first loaded)
 * because its own way of finding the host runs a helper image, and no image can be pulled.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import os from 'node:os';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** The host of a DOCKER_HOST URL that names another machine (tcp://, http(s)://, ssh://), else undefined. */
export function remoteEngineHost(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.TESTCONTAINERS_HOST_OVERRIDE;
  if (override) return LOOPBACK.has(override) ? undefined : override;
  const dockerHost = env.DOCKER_HOST;
  if (!dockerHost || !/^(tcp|https?|ssh):\/\//.test(dockerHost)) return undefined;
  let host: string;
  try {
    host = new URL(dockerHost).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined; // docker-engine.ts reports a DOCKER_HOST that does not parse
  }
  return host && !LOOPBACK.has(host) ? host : undefined;
}

/** The host printed in addresses: the remote engine's, else `fallback` (a name the certificate covers). */
export function engineHost(fallback = 'localhost', env: NodeJS.ProcessEnv = process.env): string {
  return remoteEngineHost(env) ?? fallback;
}

/**
 * The host addresses a server's ports are published on unless the caller asks for more. On a
 * local engine, loopback: the harness's servers take anyone (plaintext with --allow-no-auth, TLS
 * without client certificates), and a laptop or CI runner with a public address must not offer
 * them to its network. On a remote engine, the address clients dial; an empty list (every
 * interface) when that is a name, which only the engine's host can resolve to its own address.
 */
export function defaultPublishAddresses(env: NodeJS.ProcessEnv = process.env): string[] {
  const remote = remoteEngineHost(env);
  if (remote) return isIP(remote) ? [remote] : [];
  return hasIpv6Loopback() ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
}

/**
 * Where a server asked to listen on `address` as well is published: beside loopback, so that the
 * printed local address keeps working; a wildcard (0.0.0.0, ::) already holds its family's loopback.
 */
export function publishAddressesWith(address: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const defaults = defaultPublishAddresses(env);
  if (address === '0.0.0.0') return [address, ...defaults.filter((other) => isIP(other) === 6)];
  if (address === '::') return [address, ...defaults.filter((other) => isIP(other) === 4)];
  return [...new Set([...defaults, address])];
}

/** Docker refuses to publish on ::1 where the loopback interface has no IPv6 address. */
function hasIpv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((addresses) => addresses?.some((address) => address.address === '::1'));
}

/** The names a minted server certificate carries: loopback, plus the remote engine's host. */
export function serverCertificateNames(env: NodeJS.ProcessEnv = process.env): { dnsNames: string[]; ipAddresses: string[] } {
  const remote = remoteEngineHost(env);
  const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };
  if (remote) (isIP(remote) ? names.ipAddresses : names.dnsNames).push(remote);
  return names;
}

/**
 * testcontainers must not pull anything: no registry is reachable. Its reaper (Ryuk) is an image
 * to pull, and so is the helper it runs to find the host address; both are switched off, and the
 * cleanup they did is done by the harness (labels.ts).
 */
export function configureTestcontainers(env: NodeJS.ProcessEnv = process.env): void {
  adoptTestcontainersProperties(env);
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= remoteEngineHost(env) ?? '127.0.0.1';
}

/** The engine settings of ~/.testcontainers.properties, and the variables they stand for. */
const PROPERTY_VARIABLES = { 'docker.host': 'DOCKER_HOST', 'docker.tls.verify': 'DOCKER_TLS_VERIFY', 'docker.cert.path': 'DOCKER_CERT_PATH' } as const;

/**
 * Without DOCKER_HOST, the engine testcontainers finds in ~/.testcontainers.properties is the one
 * the harness checks, names in certificates and publishes on: its settings become the variables
 * (the variables win, as they do for testcontainers).
 */
export function adoptTestcontainersProperties(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DOCKER_HOST) return;
  let text: string;
  try {
    text = readFileSync(path.join(env.HOME || os.homedir(), '.testcontainers.properties'), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([\w.]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    const variable = match && PROPERTY_VARIABLES[match[1] as keyof typeof PROPERTY_VARIABLES];
    if (variable) env[variable] ??= match[2];
  }
}
