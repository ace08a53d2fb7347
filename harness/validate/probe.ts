/**
 * Live probes: the setup, exactly as given (damaged bytes and all), through each SDK stack, with
 * two calls an application makes first: system info, then describe the namespace. Failures are
 * named by the matrix's classifier (diagnosis/diagnose.ts), so a probe's cause reads like a cell's.
 *
 * The client probe is the matrix's non-retrying probe (stacks/client-stack.ts): `Connection.connect`
 * would hide every TLS failure behind "Failed to connect before the deadline" after 10 s of
 * retries, while one call on a lazy connection without the retry interceptor fails at once with
 * the channel's real error. The worker probe connects as a worker does (one attempt, raced with a
 * timer, since a native connect can hang on a silent peer).
 */
import type { X509Certificate } from 'node:crypto';
import { SCENARIOS } from '../../scenarios';
import { Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { ClassifyContext } from '../diagnosis/classify';
import type { DiagnosisCode } from '../diagnosis/codes';
import { diagnoseAttempt } from '../diagnosis/diagnose';
import { clientCertFacts, gatherEvidence, inputEncodings } from '../diagnosis/evidence';
import { clientProxy } from '../diagnosis/proxies';
import type { PemInputs as ClassifierPems } from '../matrix/materialize';
import type { Outcome, Stack } from '../matrix/results';
import { installQuietRuntime } from '../matrix/run-matrix';
import { checkPollAllowed, OK, refusalAtConnect, withTimeout, type StackAttempt } from '../stacks/cell';
import { apiKeyEvidence } from '../auth/evidence';
import { finding, type CheckResult } from './findings';
import { LIVE_TIMEOUT_MS } from './server-cert';

export interface ProbeTarget {
  address: string;
  namespace: string;
  tls: TLSConfig | false;
  /** The PEM texts handed to the SDK, for the classifier's rules that look at them. */
  pem: ClassifierPems;
  /** CA certificates from the user's files that are not self-signed: intermediates a server may omit. */
  knownIntermediates: X509Certificate[];
  apiKey?: string;
  tlsImpliedByApiKey?: boolean;
}

export interface ProbeResult {
  stack: Stack;
  actual: Outcome;
  diagnosis: DiagnosisCode | null;
  ms: number;
  /** The error the stack raised (and, client stack, the channel's reason), redacted; null when ok. */
  error: string | null;
}

const PROBES: Record<Stack, (target: ProbeTarget) => Promise<StackAttempt>> = {
  client: probeClientStack,
  worker: probeWorkerStack,
};

/** Both stacks at once; each probe's time is its own. */
export function runProbes(target: ProbeTarget): Promise<ProbeResult[]> {
  return Promise.all((Object.keys(PROBES) as Stack[]).map((stack) => probe(stack, target)));
}

async function probe(stack: Stack, target: ProbeTarget): Promise<ProbeResult> {
  const started = Date.now();
  const attempt = await PROBES[stack](target);
  const ms = Date.now() - started;
  const context: ClassifyContext = {
    stack,
    clientTls: target.tls !== false,
    serverCa: target.tls !== false && target.tls.serverRootCACertificate !== undefined,
    proxy: stack === 'client' ? clientProxy(process.env) : undefined,
    pem: target.pem,
    clientCert: clientCertFacts(target.pem.cert),
    ...apiKeyEvidence(target.apiKey, target.namespace, target.tlsImpliedByApiKey === true),
    encoding: inputEncodings(target.tls ? target.tls.clientCertPair : undefined),
  };
  const serverName = target.tls === false ? undefined : target.tls.serverNameOverride;
  // The probes run in this process, so the trust stores are those of the user's shell.
  const { error, cause, diagnosis } = await diagnoseAttempt(attempt, context, () =>
    gatherEvidence({ address: target.address, serverName, proxy: context.proxy }, target.knownIntermediates, {
      stack,
      variables: process.env,
      nodeFlags: process.execArgv,
    }),
  );
  return { stack, actual: diagnosis ? 'fail' : 'ok', diagnosis, ms, error: [error, cause].filter(Boolean).join(' | ') || null };
}

async function probeClientStack(target: ProbeTarget): Promise<StackAttempt> {
  let connection: Connection | undefined;
  try {
    connection = Connection.lazy({ address: target.address, tls: target.tls, ...withApiKey(target), interceptors: [] });
    const probing = connection;
    await probing
      .withDeadline(Date.now() + LIVE_TIMEOUT_MS, () => probing.workflowService.getSystemInfo({}))
      .catch((error) => {
        throw refusalAtConnect(error);
      });
    await probing.withDeadline(Date.now() + LIVE_TIMEOUT_MS, () =>
      probing.workflowService.describeNamespace({ namespace: target.namespace }),
    );
    return OK;
  } catch (error) {
    return { error, stage: 'connect' };
  } finally {
    await connection?.close();
  }
}

let runtimeInstalled = false;

/**
 * The SDK's runtime must be installed before the first native connection, and only once per
 * process; later re-creations (the runtime shuts down when idle) keep the quiet options.
 */
function quietRuntimeOnce(): void {
  if (runtimeInstalled) return;
  installQuietRuntime();
  runtimeInstalled = true;
}

async function probeWorkerStack(target: ProbeTarget): Promise<StackAttempt> {
  quietRuntimeOnce();
  const connecting = NativeConnection.connect({ address: target.address, tls: target.tls, ...withApiKey(target) });
  let connection: NativeConnection;
  try {
    connection = await withTimeout(connecting, LIVE_TIMEOUT_MS, 'NativeConnection.connect');
  } catch (error) {
    connecting.then((late) => late.close()).catch(() => undefined);
    return { error, stage: 'connect' };
  }
  try {
    const describing = connection.withDeadline(Date.now() + LIVE_TIMEOUT_MS, () =>
      connection.workflowService.describeNamespace({ namespace: target.namespace }),
    );
    await withTimeout(describing, LIVE_TIMEOUT_MS + 1000, 'describeNamespace');
    if (target.apiKey !== undefined) {
      await checkPollAllowed(() =>
        connection.withDeadline(Date.now() + 1000, () =>
          connection.workflowService.pollWorkflowTaskQueue({ namespace: target.namespace, taskQueue: { name: 'temporal-tls-harness-validate' } }),
        ),
      );
    }
    return OK;
  } catch (error) {
    return { error, stage: 'connect' };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

const withApiKey = (target: ProbeTarget) => (target.apiKey === undefined ? {} : { apiKey: target.apiKey });

/**
 * mTLS enforcement, when the setup has a client certificate: the client stack once more without
 * it. Getting in means the server does not ask for one (`requireClientAuth: false` beside
 * `clientCaFiles`, or a TLS-only server), so any client, expired or foreign, would too.
 */
export async function checkClientAuthEnforced(target: ProbeTarget): Promise<CheckResult> {
  if (!target.tls || !target.tls.clientCertPair) return { findings: [], checked: [] };
  const { clientCertPair: _given, ...withoutCertificate } = target.tls;
  const attempt = await probeClientStack({ ...target, tls: withoutCertificate });
  if (attempt.error) {
    return { findings: [], checked: [`without the client certificate, ${target.address} refuses the client: mTLS is enforced`] };
  }
  return {
    findings: [
      finding('MTLS_NOT_ENFORCED', 'error', `${target.address} let the client in without its client certificate: the server does not require one, so an expired or foreign certificate would get in too`),
    ],
    checked: [],
  };
}

/**
 * Where the stacks disagree (a different outcome, or a different cause for the same failure),
 * with the matrix's explanation when one of its scenarios measured the same split.
 */
export function disagreement(probes: readonly ProbeResult[]): string | null {
  const [client, worker] = [probes.find((p) => p.stack === 'client'), probes.find((p) => p.stack === 'worker')];
  if (!client || !worker || client.diagnosis === worker.diagnosis) return null;
  const split = { client: client.diagnosis ?? 'ok', worker: worker.diagnosis ?? 'ok' };
  const known = SCENARIOS.find(
    (scenario) => scenario.divergence && scenario.expect.client === split.client && scenario.expect.worker === split.worker,
  );
  return `the stacks disagree: client ${split.client}, worker ${split.worker}${known ? `. ${known.divergence}` : ''}`;
}
