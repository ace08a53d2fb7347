/**
 * Host ports for servers: which are free, which Docker refused, and how a start moves to another
 * when the one it wanted is taken.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { remoteEngineHost } from '../env/engine-host';

/** Random host ports tried after the first choice was taken. */
const RANDOM_PORT_ATTEMPTS = 3;

/**
 * Start on `port`, or on a random port if Docker finds it taken by then: a free port can be
 * taken between the check and the bind (two runs started at once), and it was only a preference.
 * A random port is tried again too: Docker picks it from its own record of what it handed out,
 * per host address, so one that a process or a binding on another address holds fails the start
 * ("address already in use": a server on 0.0.0.0 beside ones on 127.0.0.1, measured in CI). The
 * container whose bind failed is left to the run's removal by label.
 */
export async function startPreferringPort<T>(port: number | undefined, start: (port?: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start(attempt === 0 ? port : undefined);
    } catch (error) {
      if (!portTaken(error) || attempt >= RANDOM_PORT_ATTEMPTS) throw error;
    }
  }
}

/** Docker's answer when it cannot bind a container's host port. */
export function portTaken(error: unknown): boolean {
  return /port is already allocated|address already in use/.test(String((error as Error)?.message ?? error));
}

/**
 * `count` distinct ports that were free a moment ago on every interface (where Docker binds):
 * all bound at once, so none is handed out twice, read, then released.
 */
export async function freePorts(count: number, host = '0.0.0.0'): Promise<number[]> {
  const probes = Array.from({ length: count }, () => net.createServer());
  try {
    return await Promise.all(
      probes.map(
        (probe) =>
          new Promise<number>((resolve, reject) => {
            probe.once('error', reject);
            probe.listen({ port: 0, host, exclusive: true }, () => resolve((probe.address() as net.AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(probes.map((probe) => new Promise((resolve) => (probe.listening ? probe.close(resolve) : resolve(undefined)))));
  }
}

/** Where ports for restarting servers are looked for, up to the kernel's ephemeral range. */
const LOW_PORTS_FROM = 10_000;

/**
 * `count` free ports below the kernel's ephemeral range, for a server that restarts: while it is
 * stopped, its port stays out of reach of what takes ephemeral ones (outgoing connections, Docker's
 * own choice of host ports, port 0), so Docker can bind it again.
 */
export async function freePortsBelowEphemeralRange(count: number): Promise<number[]> {
  const ephemeralFrom = firstEphemeralPort();
  if (ephemeralFrom === undefined || ephemeralFrom - LOW_PORTS_FROM < 1000) return freePorts(count);
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const port = LOW_PORTS_FROM + Math.floor(Math.random() * (ephemeralFrom - LOW_PORTS_FROM));
    if (!chosen.has(port) && (await portIsFree(port))) chosen.add(port);
  }
  return [...chosen];
}

/** The start of Linux's ephemeral port range; undefined where it cannot be read (not Linux). */
function firstEphemeralPort(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the engine's host can publish `port`: checked here for a local engine; a remote one is
 * left to say so (startPreferringPort), since this machine's ports say nothing of its.
 */
export async function hostPortIsFree(port: number): Promise<boolean> {
  return remoteEngineHost() !== undefined || portIsFree(port);
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** `count` distinct ports free on IPv4 and IPv6 alike (a dual-stack probe on ::), or on IPv4 where there is no IPv6. */
export function freeDualStackPorts(count: number): Promise<number[]> {
  return freePorts(count, '::').catch(() => freePorts(count));
}
