/**
 * What listens inside a container, read from this host's /proc: the server image is FROM scratch,
 * with no shell to ask, and a published port looks the same from outside whether the frontend
 * listens on loopback in there or nothing does (Docker's proxy accepts, then closes).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { localEngineGet } from '../env/docker-engine';

const LISTEN = '0A';

/**
 * The addresses listening on `port` in the network namespace of process `pid` (a container's
 * main process, as the engine reports it); undefined where this host cannot see it (an engine on
 * another machine, or the process gone).
 */
export async function listenersOf(pid: number, port: number): Promise<string[] | undefined> {
  if (!pid) return undefined;
  try {
    const [v4, v6] = await Promise.all(['tcp', 'tcp6'].map((file) => readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '')));
    return [...listeningOn(v4, port), ...listeningOn(v6, port)];
  } catch {
    return undefined;
  }
}

/** The listening addresses on `port` in the text of /proc/net/tcp or tcp6. */
export function listeningOn(procNetTcp: string, port: number): string[] {
  return procNetTcp
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields[3] === LISTEN && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port)
    .map((fields) => address(fields[1].split(':')[0]));
}

/** The kernel prints each 32-bit word of an address in host byte order (little-endian here). */
function address(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  return `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

/** Loopback addresses only: nothing outside the container reaches them. */
export const onlyLoopback = (addresses: string[]) =>
  addresses.length > 0 && addresses.every((address) => address.startsWith('127.') || address === '[::1]' || address === '[0:0:0:0:0:0:0:1]');

/**
 * What listens inside the local container that publishes host port `port` to IPv4 or IPv6, on the
 * container's side of the mapping; undefined when no container of a local engine publishes it so.
 * (Docker gives a container's two mappings different host ports: another container's IPv6
 * mapping can hold the port number of this one's IPv4 mapping.)
 */
export async function listenersBehindPublishedPort(port: number, family: 4 | 6): Promise<{ container: string; privatePort: number; inside: string[] } | undefined> {
  const filters = encodeURIComponent(JSON.stringify({ publish: [String(port)] }));
  const mappingOf = (container: PublishingContainer) =>
    container.Ports.find((mapping) => mapping.PublicPort === port && isIP(mapping.IP ?? '') === family);
  const published = ((await localEngineGet<PublishingContainer[]>(`/containers/json?filters=${filters}`)) ?? []).find(mappingOf);
  const privatePort = published && mappingOf(published)?.PrivatePort;
  if (!published || !privatePort) return undefined;
  const state = await localEngineGet<{ State: { Pid: number } }>(`/containers/${published.Id}/json`);
  const inside = state && (await listenersOf(state.State.Pid, privatePort));
  return inside && { container: published.Names[0]?.replace(/^\//, '') ?? published.Id.slice(0, 12), privatePort, inside };
}

interface PublishingContainer {
  Id: string;
  Names: string[];
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number }[];
}
