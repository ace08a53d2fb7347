/**
 * The host that published container ports are reached on. Locally that is this machine; when
 * DOCKER_HOST points at another machine it is that machine, and then the minted server
 * certificates must name it and every printed address must use it. testcontainers reads the
 * same host from TESTCONTAINERS_HOST_OVERRIDE, which is set here (before it is first loaded)
 * because its own way of finding the host runs a helper image, and no image can be pulled.
 */
import { isIP } from 'node:net';

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
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= remoteEngineHost(env) ?? '127.0.0.1';
}
