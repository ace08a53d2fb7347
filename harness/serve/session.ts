/**
 * A `serve` session: check every input, start one server, and hand back what a client needs.
 * The order matters: everything that can be wrong with the command line is found before
 * anything is written or started, and cleanup is registered before the first thing is.
 */
import { performance } from 'node:perf_hooks';
import { onCleanup } from '../cleanup';
import { removeRunContainers } from '../env/labels';
import { log } from '../log';
import type { ServerMode } from '../server/config';
import { writeEnvFile } from './client-files';
import type { ClientSettings } from './client-settings';
import { readUserCertificates, type UserCertificateOptions } from './inputs';
import { planOutputFile, planWorkDir } from './paths';
import { choosePort } from './port';
import { checkProfile } from './self-check';
import { startServedServer } from './served-server';
import type { ServedApiKey } from './api-keys';
import { HarnessError } from '../errors';
import { defaultPublishAddresses, publishAddressesWith } from '../env/engine-host';

export interface ServeOptions {
  mode: ServerMode;
  /** The first is the one printed; all are registered. */
  namespaces: string[];
  port?: number;
  /** An address of this machine to publish on beside loopback (`--listen`). */
  listen?: string;
  certs?: string;
  keepCerts: boolean;
  userCertificates: UserCertificateOptions;
  envFile?: string;
  /** `--auth api-key`: authorization on, a write API key per namespace. */
  apiKeys?: boolean;
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
  /** With --auth api-key: the write key of each namespace (the first is in the settings). */
  apiKeys?: ServedApiKey[];
  /** The host addresses the server's ports are published on (loopback unless --listen). */
  publishedOn: string[];
  /** Milliseconds from the process's start to ready (checked), and for the container alone. */
  readyMs: number;
  serverMs: number;
}

export async function startServe(options: ServeOptions): Promise<ServeSession> {
  if (options.apiKeys && options.mode === 'plain') {
    throw new HarnessError('--auth api-key needs --mode tls or mtls: the SDKs turn TLS on whenever an API key is set');
  }
  const user = readUserCertificates(options.mode, options.userCertificates);
  const workDir = await planWorkDir(options.certs);
  const envFile = options.envFile === undefined ? undefined : await planOutputFile('--write-env', options.envFile);
  const hostPort = await choosePort(options.port);

  const runId = `serve-${process.pid}-${Date.now()}`;
  let engineReady = false;
  onCleanup(async () => {
    await Promise.all([engineReady && removeRunContainers(runId), !options.keepCerts && workDir.remove()]);
  });
  if (!options.keepCerts) workDir.claim();

  if (options.mode !== 'plain') {
    log(user ? "minting the internal PKI for the server's own worker" : `minting a PKI into ${workDir.dir}`);
  }
  log(`starting the ${options.mode} Temporal server`);
  const publishedOn = options.listen ? publishAddressesWith(options.listen) : defaultPublishAddresses();
  const { certificates, settings, addressing, profile, loaded, serverMs, apiKeys } = await startServedServer({
    mode: options.mode,
    namespaces: options.namespaces,
    hostPort,
    publishedOn,
    hostPortPreferred: options.port === undefined,
    dir: workDir.dir,
    user,
    runId,
    onEngineReady: () => (engineReady = true),
    ...(options.apiKeys ? { authorization: {} } : {}),
  });
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
    apiKeys,
    publishedOn,
    readyMs: Math.round(performance.now()),
    serverMs,
  };
}
