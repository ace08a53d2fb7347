/**
 * The world a matrix run needs: provisioned machine, a freshly minted PKI, the workflow bundle,
 * and the servers its scenarios name. Its description is plain data, so jest's global set-up
 * can pass it to the test workers.
 */
import path from 'node:path';
import { onCleanup } from '../cleanup';
import { removeRunContainers } from '../env/labels';
import { claimFolder } from '../env/owned';
import { provision } from '../env/provision';
import { softwareFor } from '../intermediaries/registry';
import { ensureSoftware, type Software } from '../intermediaries/software';
import { log } from '../log';
import { harnessPkiFiles, HarnessPkiFiles, onDemandAmong, writeHarnessPki, type OnDemandName } from '../pki/harness-pki';
import type { ServerEndpoint } from '../server/endpoint';
import { Fleet, FleetCertificates, startFleet } from '../server/fleet';
import { ensureWorkflowBundle } from '../stacks/bundle';
import { writeSigningKeys } from '../auth/signing-keys';
import { faultCertificate, type Scenario, type ServerSpec } from './scenario';

export const MATRIX_NAMESPACES = ['default', 'harness-other'];

/** What test workers need to run cells against servers started elsewhere. */
export interface EnvironmentDescription {
  runId: string;
  pkiDir: string;
  workflowBundlePath: string;
  endpoints: Record<string, ServerEndpoint>;
}

export interface MatrixEnvironment {
  description: EnvironmentDescription;
  pki: HarnessPkiFiles;
  /** Set-up steps and their durations in milliseconds. */
  timings: Record<string, number>;
  fleet: Fleet;
  stop(): Promise<void>;
}

export interface EnvironmentOptions {
  /** Folder under which `<runId>/` holds the minted PKI. */
  certsRoot: string;
  /** Keep the minted PKI after the run (it is removed by default). */
  keepCerts?: boolean;
  /**
   * Which certificates the servers use, given the freshly minted PKI. Default: the harness's own
   * ({@link harnessCertificates}); `matrix --server-cert ...` puts the user's in their place.
   */
  certificates?: (pki: HarnessPkiFiles) => Promise<FleetCertificates>;
  /** Software the selected scenarios' intermediaries run, installed when missing (see {@link softwareNeeded}). */
  software?: Software[];
  /** Credentials beyond the base set that the selected scenarios need ({@link credentialsNeeded}). */
  onDemand?: OnDemandName[];
}

/** The proxy software (nginx, tinyproxy, ...) `scenarios` run, which must be installed before any cell runs. */
export function softwareNeeded(scenarios: Scenario[]): Software[] {
  return softwareFor(scenarios.flatMap((scenario) => (scenario.client.via ? [scenario.client.via] : [])));
}

/** The on-demand credentials `scenarios` and their servers name, so only those are minted. */
export function credentialsNeeded(scenarios: Scenario[], servers: Record<string, ServerSpec>): OnDemandName[] {
  return onDemandAmong(
    scenarios.flatMap((scenario) => {
      const tls = scenario.client.tls;
      const replacement = scenario.fault && faultCertificate(scenario.fault);
      return [servers[scenario.server]?.certificate, replacement, ...(tls ? [tls.ca, tls.cert, tls.key].flat() : [])];
    }),
  );
}

export function harnessCertificates(pki: HarnessPkiFiles): FleetCertificates {
  return {
    internal: {
      caFile: pki.certPath('ca'),
      server: { cert: pki.certPath('server'), key: pki.keyPath('server') },
      client: { cert: pki.certPath('systemWorker'), key: pki.keyPath('systemWorker') },
    },
    frontend: (spec: ServerSpec) => {
      const name = spec.certificate ?? 'server';
      return { cert: spec.sendChain ? pki.chainPathOf(name) : pki.certPath(name), key: pki.keyPath(name) };
    },
    clientCas: [pki.certPath('ca')],
  };
}

/** The servers `scenarios` name, from the catalogue `servers`. */
export function serversFor(scenarios: Scenario[], servers: Record<string, ServerSpec>): Record<string, ServerSpec> {
  const names = [...new Set(scenarios.map((scenario) => scenario.server))];
  return Object.fromEntries(names.map((name) => [name, servers[name]]));
}

export async function setUpMatrixEnvironment(
  specs: Record<string, ServerSpec>,
  options: EnvironmentOptions,
): Promise<MatrixEnvironment> {
  const runId = `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const pkiDir = path.resolve(options.certsRoot, runId);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const begin = Date.now();
    const result = await step();
    timings[name] = Date.now() - begin;
    return result;
  };
  // Claimed (and created) before anything is written, and cleaned up by label until the fleet is ours: a signal
  // can land while servers are still being created.
  const releaseCerts = options.keepCerts ? () => undefined : claimFolder(pkiDir);
  let engineReady = false;
  const cleanUpPartial = async () => {
    if (engineReady) await removeRunContainers(runId);
    releaseCerts();
  };
  const forgetPartial = onCleanup(cleanUpPartial);
  try {
    const withAuthorization = Object.values(specs).some((spec) => spec.authorization);
    const [provisioned, pki, workflowBundlePath] = await Promise.all([
      provision().then((provisioned) => {
        engineReady = true;
        return provisioned;
      }),
      timed('pkiMintMs', async () => {
        const files = await writeHarnessPki(pkiDir, options.onDemand);
        if (withAuthorization) await writeSigningKeys(pkiDir);
        return files;
      }),
      timed('workflowBundleMs', ensureWorkflowBundle),
      options.software?.length && timed('proxySoftwareMs', async () => ensureSoftware(options.software!)),
    ]);
    Object.assign(timings, provisioned.timings);
    const certificates = await (options.certificates ?? (async (files) => harnessCertificates(files)))(pki);
    log(`starting ${Object.keys(specs).length} Temporal server(s): ${Object.keys(specs).join(', ')}`);
    const fleet = await timed('serversMs', () =>
      startFleet(specs, {
        image: provisioned.image,
        runId,
        certificates,
        namespaces: MATRIX_NAMESPACES,
        ...(withAuthorization ? { signingKeysDir: pkiDir } : {}),
      }),
    );
    for (const [name, ms] of Object.entries(fleet.startMs)) timings[`server:${name}Ms`] = ms;
    return {
      description: { runId, pkiDir, workflowBundlePath, endpoints: fleet.endpoints },
      pki,
      timings,
      fleet,
      stop: async () => {
        forgetPartial();
        await fleet.stop();
        await cleanUpPartial(); // and any container whose start failed (a port taken meanwhile)
      },
    };
  } catch (error) {
    // Also a container whose start failed: the fleet holds no handle to it.
    forgetPartial();
    await cleanUpPartial().catch(() => undefined);
    throw error;
  }
}

export function pkiOf(description: EnvironmentDescription): HarnessPkiFiles {
  return harnessPkiFiles(description.pkiDir);
}
