/**
 * A `serve` session: check every input, start one server, and hand back what a client needs.
 * The order matters: everything that can be wrong with the command line is found before
 * anything is written or started, and cleanup is registered before the first thing is.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { onCleanup } from '../cleanup';
import { engineHost } from '../env/engine-host';
import { provision } from '../env/provision';
import { log } from '../log';
import { FRONTEND_GRPC_PORT, type ServerMode } from '../server/config';
import { TemporalServerContainer } from '../server/temporal-server';
import { prepareCertificates } from './certificates';
import { writeEnvFile, writeProfile } from './client-files';
import type { ClientSettings } from './client-settings';
import { removeRunContainers } from './containers';
import { readUserCertificates, type UserCertificateOptions } from './inputs';
import { planOutputFile, planWorkDir } from './paths';
import { choosePort } from './port';
import { checkProfile } from './self-check';
import { addressingFor, type ClientAddressing } from './server-name';

export interface ServeOptions {
  mode: ServerMode;
  /** The first is the one printed; all are registered. */
  namespaces: string[];
  port?: number;
  certs?: string;
  keepCerts: boolean;
  userCertificates: UserCertificateOptions;
  envFile?: string;
}

export interface ServeSession {
  mode: ServerMode;
  namespaces: string[];
  settings: ClientSettings;
  /** The envconfig TOML profile. */
  profile: string;
  envFile?: string;
  /** serve's folder: the minted PKI (or the internal one) and the profile. */
  certsDir: string;
  keepCerts: boolean;
  /** The user brought the server certificates; the internal CA was added beside theirs. */
  internalCa?: string;
  /** Something about the user's certificate that some clients refuse. */
  certificateWarning?: string;
  /** Why a client configured from the profile could not reach the server; absent when it could. */
  checkProblem?: string;
  /** The check presented the internal client certificate, for want of the user's. */
  checkedWithStandIn: boolean;
  /** Milliseconds from the process's start to ready (checked), and for the container alone. */
  readyMs: number;
  serverMs: number;
}

export async function startServe(options: ServeOptions): Promise<ServeSession> {
  const user = readUserCertificates(options.mode, options.userCertificates);
  const workDir = await planWorkDir(options.certs);
  const envFile = options.envFile === undefined ? undefined : await planOutputFile('--write-env', options.envFile);
  const hostPort = await choosePort(options.port);

  const runId = `serve-${process.pid}-${Date.now()}`;
  let engineReady = false;
  onCleanup(async () => {
    await Promise.all([engineReady && removeRunContainers(runId), !options.keepCerts && workDir.remove()]);
  });

  if (options.mode !== 'plain') {
    log(user ? "minting the internal PKI for the server's own worker" : `minting a PKI into ${workDir.dir}`);
  }
  const [{ image }, certificates] = await Promise.all([
    provision().then((provisioned) => {
      engineReady = true;
      return provisioned;
    }),
    prepareCertificates(options.mode, workDir.dir, user),
  ]);
  log(`starting the ${options.mode} Temporal server`);
  const serverBegin = Date.now();
  const startOn = (port: number | undefined) => {
    const container = new TemporalServerContainer(image, 'serve', options.mode, runId).withNamespaces(...options.namespaces);
    if (certificates.internal) container.withInternalPki(certificates.internal);
    if (certificates.frontend) container.withFrontendCertificate(certificates.frontend);
    if (options.mode === 'mtls') container.withClientCas(certificates.clientCas);
    if (port !== undefined) container.withHostPort(port);
    return container.start();
  };
  // 7233 was free when checked but can be taken before Docker binds it (two serves started at
  // once); it was only a preference, so a random port does instead. A --port the user named is kept.
  const server = await startOn(hostPort).catch((error: Error) =>
    options.port === undefined && hostPort !== undefined && /port is already allocated/.test(error.message)
      ? startOn(undefined)
      : Promise.reject(error),
  );
  const serverMs = Date.now() - serverBegin;

  const addressing: ClientAddressing = certificates.frontendCertificate
    ? addressingFor(certificates.frontendCertificate)
    : { host: engineHost() };
  const settings: ClientSettings = {
    address: `${addressing.host}:${server.getMappedPort(FRONTEND_GRPC_PORT)}`,
    namespace: options.namespaces[0],
    ...certificates.client,
    ...(addressing.serverName ? { serverName: addressing.serverName } : {}),
  };
  await mkdir(workDir.dir, { recursive: true, mode: 0o700 });
  const profile = path.join(workDir.dir, 'temporal.toml');
  const loaded = await writeProfile(profile, settings);
  if (envFile) await writeEnvFile(envFile, settings);
  const standIn = options.mode === 'mtls' && !settings.cert ? certificates.internal?.client : undefined;
  const checkProblem = await checkProfile(loaded, standIn);
  return {
    mode: options.mode,
    namespaces: options.namespaces,
    settings,
    profile,
    envFile,
    certsDir: workDir.dir,
    keepCerts: options.keepCerts,
    internalCa: certificates.internalBesideUser ? certificates.internal?.caFile : undefined,
    certificateWarning: addressing.warning,
    checkProblem,
    checkedWithStandIn: standIn !== undefined,
    readyMs: Math.round(performance.now()),
    serverMs,
  };
}
