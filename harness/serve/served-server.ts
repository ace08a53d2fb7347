/**
 * One server with its certificates and the settings a client needs: what `serve` and the
 * library's TemporalTlsContainer both start. Inputs are checked by the caller; this starts,
 * and on failure leaves the cleaning to the caller's cleanup (the container is labelled `runId`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ClientConnectConfig } from '@temporalio/envconfig';
import { writeSigningKeys } from '../auth/signing-keys';
import { engineHost } from '../env/engine-host';
import { provision } from '../env/provision';
import { FRONTEND_GRPC_PORT, type ServerMode } from '../server/config';
import { startPreferringPort } from '../server/host-ports';
import { StartedTemporalServer, TemporalServerContainer } from '../server/temporal-server';
import { prepareCertificates, type ServedCertificates } from './certificates';
import { writeProfile } from './client-files';
import type { ClientSettings } from './client-settings';
import type { UserCertificates } from './inputs';
import { addressingFor, type ClientAddressing } from './server-name';
import { mintServeApiKeys, type ServedApiKey } from './api-keys';

export interface ServedServerPlan {
  mode: ServerMode;
  /** The first is the one clients are given; all are registered. */
  namespaces: string[];
  /** The host port to bind; a random one when absent. */
  hostPort?: number;
  /** The host addresses to publish on (default: loopback on a local engine; see engine-host.ts). */
  publishedOn?: string[];
  /** True when `hostPort` was only a preference (7233 when free): a random port does when it is taken meanwhile. */
  hostPortPreferred?: boolean;
  /** Folder for the certificates and the profile. */
  dir: string;
  /** The user's certificates; absent: a minted PKI. */
  user?: UserCertificates;
  /** Label of the container, for removal by label. */
  runId: string;
  /** Authorization with API keys: JWTs signed by keys minted into `<dir>/auth/`, `audience` required when given. */
  authorization?: { audience?: string };
  /** Called once a Docker engine answers (so that removal by label can work). */
  onEngineReady?: () => void;
}

export interface ServedServer {
  server: StartedTemporalServer;
  certificates: ServedCertificates;
  settings: ClientSettings;
  addressing: ClientAddressing;
  /** The envconfig TOML profile, and what envconfig reads back from it. */
  profile: string;
  loaded: ClientConnectConfig;
  /** Milliseconds the container took to start and register the namespaces. */
  serverMs: number;
  /** With `authorization`: a write key per namespace in a 0600 file (the first is in the settings and the profile). */
  apiKeys?: ServedApiKey[];
}

export async function startServedServer(plan: ServedServerPlan): Promise<ServedServer> {
  const [{ image }, certificates] = await Promise.all([
    provision().then((provisioned) => {
      plan.onEngineReady?.();
      return provisioned;
    }),
    prepareCertificates(plan.mode, plan.dir, plan.user),
    plan.authorization && writeSigningKeys(plan.dir),
  ]);
  const serverBegin = Date.now();
  const startOn = (port: number | undefined) => {
    const container = new TemporalServerContainer(image, 'serve', plan.mode, plan.runId).withNamespaces(...plan.namespaces);
    if (certificates.internal) container.withInternalPki(certificates.internal);
    if (certificates.frontend) container.withFrontendCertificate(certificates.frontend);
    if (plan.mode === 'mtls') container.withClientCas(certificates.clientCas);
    if (plan.authorization) container.withAuthorization({ keysDir: plan.dir, audience: plan.authorization.audience });
    if (port !== undefined) container.withHostPort(port);
    if (plan.publishedOn) container.withPublishedOn(...plan.publishedOn);
    return container.start();
  };
  // A port the user named is kept; 7233 by default, or a random one, may move.
  const movable = plan.hostPort === undefined || plan.hostPortPreferred;
  const server = await (movable ? startPreferringPort(plan.hostPort, startOn) : startOn(plan.hostPort));
  const serverMs = Date.now() - serverBegin;
  const addressing: ClientAddressing = certificates.frontendCertificate
    ? addressingFor(certificates.frontendCertificate)
    : { host: engineHost() };
  const apiKeys = plan.authorization ? await mintServeApiKeys(plan.dir, plan.namespaces, plan.authorization.audience) : undefined;
  const settings: ClientSettings = {
    address: `${addressing.host}:${server.getMappedPort(FRONTEND_GRPC_PORT)}`,
    namespace: plan.namespaces[0],
    ...certificates.client,
    ...(addressing.serverName ? { serverName: addressing.serverName } : {}),
    ...(apiKeys ? { servedApiKey: { token: apiKeys[0].token, file: apiKeys[0].file } } : {}),
  };
  await mkdir(plan.dir, { recursive: true, mode: 0o700 });
  const profile = path.join(plan.dir, 'temporal.toml');
  const loaded = await writeProfile(profile, settings);
  return { server, certificates, settings, addressing, profile, loaded, serverMs, apiKeys };
}
