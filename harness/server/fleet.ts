/**
 * The servers a run needs, started in parallel and stopped together. If one fails to start,
 * the others are stopped before the error is raised, so nothing is left running.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { ServerSpec } from '../matrix/scenario';
import { slots } from '../matrix/slots';
import { remoteEngineHost } from '../env/engine-host';
import type { ServerImage } from '../env/server-image';
import { InternalPki, KeyPairFiles, ServerEndpoint } from './endpoint';
import { StartedTemporalServer, TemporalServerContainer } from './temporal-server';

/** How to obtain the files a server spec names. */
export interface FleetCertificates {
  internal: InternalPki;
  /** The frontend certificate (chain) and key for a spec. */
  frontend(spec: ServerSpec): KeyPairFiles;
  /** CAs accepted for client certificates on mTLS servers. */
  clientCas: string[];
}

export interface Fleet {
  endpoints: Record<string, ServerEndpoint>;
  /** Milliseconds from container creation to WorkflowService SERVING with namespaces usable, per server. */
  startMs: Record<string, number>;
  /** Last server log lines, for a failure report. */
  recentLog(name: string): string;
  stop(): Promise<void>;
}

export interface FleetOptions {
  image: ServerImage;
  runId: string;
  certificates: FleetCertificates;
  namespaces: string[];
  /** The folder whose `auth/` holds the API-key signing keys, for servers with authorization. */
  signingKeysDir?: string;
}

/**
 * Servers starting at once; the others wait their turn, and each start's timeout is its own. A
 * server burns CPU until its membership settles: on 2 cores, 27 at once took up to 16.5 s each,
 * and two runs at once (54) left one not SERVING after 60 s ("Not enough hosts to serve the request").
 */
const STARTING_AT_ONCE = 8;

export async function startFleet(specs: Record<string, ServerSpec>, options: FleetOptions): Promise<Fleet> {
  const started = new Map<string, StartedTemporalServer>();
  const startMs: Record<string, number> = {};
  const stopAll = async () => {
    await Promise.all([...started.values()].map((server) => server.stop().catch(() => undefined)));
    started.clear();
  };
  const startSlot = slots(STARTING_AT_ONCE);
  const results = await Promise.allSettled(
    Object.entries(specs).map(async ([name, spec]) => {
      const release = await startSlot();
      try {
        const begin = Date.now();
        const preferred = spec.hostPort && (await hostPortIsFree(spec.hostPort)) ? spec.hostPort : undefined;
        const server = await startPreferringPort(preferred, async (port) => (await containerFor(name, spec, options, port)).start());
        started.set(name, server);
        startMs[name] = Date.now() - begin;
      } finally {
        release();
      }
    }),
  );
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  return {
    endpoints: Object.fromEntries([...started].map(([name, server]) => [name, server.endpoint()])),
    startMs,
    recentLog: (name) => started.get(name)?.recentLog() ?? '',
    stop: stopAll,
  };
}

async function containerFor(name: string, spec: ServerSpec, options: FleetOptions, hostPort?: number): Promise<TemporalServerContainer> {
  const { certificates } = options;
  // A fleet's servers share a few cores with each other and with the cells: each runs only the
  // services a cell reaches, on one Go thread (idle, 27 of them took 0.52 of 2 cores; see README, "Speed").
  const container = new TemporalServerContainer(options.image, name, spec.mode, options.runId)
    .withEnvironment({ GOMAXPROCS: '1' })
    .withNamespaces(...options.namespaces)
    .withInternalPki(certificates.internal);
  if (spec.systemWorkerMisconfigured) container.withSystemWorkerMisconfigured(spec.systemWorkerMisconfigured);
  else container.withoutWorkerService();
  if (spec.frontendBindIp) container.withFrontendBoundTo(spec.frontendBindIp);
  // Servers set up wrong on purpose are started to show what their clients meet.
  if (spec.systemWorkerMisconfigured || spec.frontendBindIp) container.withUnhealthyKept();
  if (spec.mode !== 'plain') container.withFrontendCertificate(certificates.frontend(spec));
  if (spec.mode === 'mtls') container.withClientCas(certificates.clientCas);
  if (spec.authorization) {
    if (!options.signingKeysDir) throw new Error(`server ${name} has authorization on, but no signing keys were written`);
    container.withAuthorization({ keysDir: options.signingKeysDir, audience: spec.authorization.audience });
  }
  if (spec.requireClientAuth === false) container.withClientAuthNotRequired();
  if (spec.tlsRefreshInterval) container.withTlsRefreshInterval(spec.tlsRefreshInterval);
  if (spec.dynamicConfig) container.withDynamicConfig(spec.dynamicConfig);
  if (spec.survivesRestart) {
    const [grpcPort, httpPort] = await freePortsBelowEphemeralRange(2);
    container.withFileStore().withHostPort(hostPort ?? grpcPort).withHttpHostPort(httpPort);
  } else if (hostPort) {
    container.withHostPort(hostPort);
  }
  return container;
}

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
export async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => net.createServer());
  try {
    return await Promise.all(
      probes.map(
        (probe) =>
          new Promise<number>((resolve, reject) => {
            probe.once('error', reject);
            probe.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => resolve((probe.address() as net.AddressInfo).port));
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
