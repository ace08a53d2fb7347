/**
 * Which host a client should dial, and under which server name, for the certificate the frontend
 * presents. A certificate that names neither localhost nor 127.0.0.1 (samples-server's names only
 * `tls-sample`) works from this machine only with a server name override, which is exactly the
 * value people get wrong; it is derived from the certificate's own SANs so it cannot be.
 */
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { remoteEngineHost } from '../env/engine-host';

export interface ClientAddressing {
  /** The host to print in the address: a loopback name, or the remote engine's host. */
  host: string;
  /** The server name clients must verify against, when the host alone does not match. */
  serverName?: string;
  /** Something about the certificate that some clients will refuse. */
  warning?: string;
}

/** Subject alternative names by kind, from Node's `subjectAltName` text. */
export function subjectAltNames(certificate: X509Certificate): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  // "DNS:tls-sample, IP Address:0:0:0:0:0:0:0:1"; values with unusual characters come JSON-quoted.
  for (const entry of certificate.subjectAltName?.split(', ') ?? []) {
    const colon = entry.indexOf(':');
    const kind = entry.slice(0, colon);
    const raw = entry.slice(colon + 1);
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (kind === 'DNS') dns.push(value);
    if (kind === 'IP Address') ip.push(value);
  }
  return { dns, ip };
}

/**
 * The host to dial and the name to verify. With a remote engine (DOCKER_HOST on another machine)
 * the host is that machine, whatever the certificate says; locally it is a loopback name the
 * certificate covers, when it covers one.
 */
export function addressingFor(certificate: X509Certificate, remoteHost = remoteEngineHost()): ClientAddressing {
  if (remoteHost) return covers(certificate, remoteHost) ? { host: remoteHost } : { host: remoteHost, ...nameToVerify(certificate) };
  if (covers(certificate, 'localhost')) return { host: 'localhost' };
  if (covers(certificate, '127.0.0.1')) return { host: '127.0.0.1' };
  return { host: 'localhost', ...nameToVerify(certificate) };
}

function covers(certificate: X509Certificate, host: string): boolean {
  // `subject: 'never'`: rustls (the worker) and Go (the temporal CLI) never fall back to the CN.
  return isIP(host) ? certificate.checkIP(host) !== undefined : certificate.checkHost(host, { subject: 'never' }) !== undefined;
}

/** The server name to verify when the dialled host is not among the certificate's names. */
function nameToVerify(certificate: X509Certificate): Omit<ClientAddressing, 'host'> {
  const { dns, ip } = subjectAltNames(certificate);
  const exact = dns.find((name) => !name.includes('*'));
  // A wildcard covers one label of anything: `*.example.com` accepts `temporal.example.com`.
  const wildcard = dns.find((name) => name.startsWith('*.'))?.replace('*', 'temporal');
  const serverName = exact ?? wildcard ?? ip[0];
  if (serverName) return { serverName };
  const commonName = /(?:^|\n)CN=(.*)/.exec(certificate.subject)?.[1];
  const warning =
    'the certificate has no subjectAltName: the client (OpenSSL) falls back to its CN, but the worker (rustls) and the temporal CLI (Go) refuse it';
  if (!commonName || commonName === 'localhost') return { warning };
  return { serverName: commonName, warning };
}
