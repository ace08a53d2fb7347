/**
 * The servers a run needs, started in parallel and stopped together. If one fails to start,
 * the others are stopped before the error is raised, so nothing is left running.
 */
import type { ServerSpec } from '../matrix/scenario';
import { slots } from '../matrix/slots';
import type { ServerImage } from '../env/server-image';
import { InternalPki, KeyPairFiles, ServerEndpoint } from './endpoint';
import { StartedTemporalServer, TemporalServerContainer } from './temporal-server';
import { freePortsBelowEphemeralRange, hostPortIsFree, startPreferringPort } from './host-ports';

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
