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
import type { TLSConfig } from '@temporalio/client';
import type { ClassifyContext } from '../diagnosis/classify';
import type { DiagnosisCode } from '../diagnosis/codes';
import { diagnoseAttempt } from '../diagnosis/diagnose';
import { clientCertFacts, gatherEvidence, inputEncodings } from '../diagnosis/evidence';
import { clientProxy } from '../diagnosis/proxies';
import type { PemInputs as ClassifierPems } from '../matrix/materialize';
import type { Outcome } from '../matrix/results';
import { STACKS, type Stack } from '../model/stack';
import type { StackAttempt } from '../stacks/cell';
import { runProbeInChild } from '../stacks/child/child-cell';
import { apiKeyEvidence } from '../auth/evidence';
import { finding, type CheckResult } from './findings';
import type { Versions } from '../model/versions';
import { expectationFor, ownVersions } from '../versions/ranges';
import type { Variant } from '../versions/variants';
import { STACK_PROBES } from './stack-probes';

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

export interface ProbeResult extends Versions {
  stack: Stack;
  actual: Outcome;
  diagnosis: DiagnosisCode | null;
  ms: number;
  /** The error the stack raised (and, client stack, the channel's reason), redacted; null when ok. */
  error: string | null;
}

/**
 * Both stacks at once, on each release asked for (default: the harness's own, in this process);
 * each probe's time is its own. Another release runs in a child with the user's environment.
 */
export async function runProbes(target: ProbeTarget, variants: Variant[] = []): Promise<ProbeResult[]> {
  const runs = variants.length > 0 ? variants : [undefined];
  const results = [];
  // One release at a time, so that no probe's time includes another release's start-up.
  for (const variant of runs) results.push(...(await Promise.all(STACKS.map((stack) => probe(stack, target, variant)))));
  return results;
}

function attempt(stack: Stack, target: ProbeTarget, variant: Variant | undefined): Promise<StackAttempt> {
  const { address, namespace, tls, apiKey } = target;
  const probeTarget = { address, namespace, tls, ...(apiKey === undefined ? {} : { apiKey }) };
  if (!variant?.child) return STACK_PROBES[stack](probeTarget);
  const { nodePath, sdkDir } = variant.child;
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return runProbeInChild(stack, probeTarget, { env, nodePath, sdkDir });
}

async function probe(stack: Stack, target: ProbeTarget, variant: Variant | undefined): Promise<ProbeResult> {
  const versions: Versions = variant ? { sdk: variant.sdk, node: variant.node } : ownVersions();
  const started = Date.now();
  const done = await attempt(stack, target, variant);
  const ms = Date.now() - started;
  const context = contextOf(stack, target, versions);
  const { error, cause, diagnosis } = await diagnoseAttempt(done, context, evidenceOf(stack, target, context));
  return { stack, ...versions, actual: diagnosis ? 'fail' : 'ok', diagnosis, ms, error: [error, cause].filter(Boolean).join(' | ') || null };
}

/** What the classifier knows of the user's setup, for one stack. */
export function contextOf(stack: Stack, target: ProbeTarget, versions: Versions = ownVersions()): ClassifyContext {
  return {
    stack,
    clientTls: target.tls !== false,
    serverCa: target.tls !== false && target.tls.serverRootCACertificate !== undefined,
    proxy: stack === 'client' ? clientProxy(process.env) : undefined,
    pem: target.pem,
    clientCert: clientCertFacts(target.pem.cert),
    ...apiKeyEvidence(target.apiKey, target.namespace, target.tlsImpliedByApiKey === true),
    encoding: inputEncodings(target.tls ? target.tls.clientCertPair : undefined),
    versions,
  };
}

/**
 * The evidence a probe's failure may need. The probes run in this process, or in a child with the
 * user's environment: either way the trust stores are those of the user's shell.
 */
export function evidenceOf(stack: Stack, target: ProbeTarget, context: ClassifyContext) {
  const serverName = target.tls === false ? undefined : target.tls.serverNameOverride;
  return () =>
    gatherEvidence({ address: target.address, serverName, proxy: context.proxy }, target.knownIntermediates, {
      stack,
      variables: process.env,
      nodeFlags: process.execArgv,
    });
}

/**
 * mTLS enforcement, when the setup has a client certificate: the client stack once more without
 * it. Getting in means the server does not ask for one (`requireClientAuth: false` beside
 * `clientCaFiles`, or a TLS-only server), so any client, expired or foreign, would too.
 */
export async function checkClientAuthEnforced(target: ProbeTarget): Promise<CheckResult> {
  if (!target.tls || !target.tls.clientCertPair) return { findings: [], checked: [] };
  const { clientCertPair: _given, ...withoutCertificate } = target.tls;
  const { address, namespace, apiKey } = target;
  const attempt = await STACK_PROBES.client({ address, namespace, tls: withoutCertificate, ...(apiKey === undefined ? {} : { apiKey }) });
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
 * Where the stacks disagree on one release (a different outcome, or a different cause for the
 * same failure), with the matrix's explanation when one of its scenarios measured the same split.
 */
export function disagreement(probes: readonly ProbeResult[]): string | null {
  const [client, worker] = [probes.find((p) => p.stack === 'client'), probes.find((p) => p.stack === 'worker')];
  if (!client || !worker || client.diagnosis === worker.diagnosis) return null;
  const split = { client: client.diagnosis ?? 'ok', worker: worker.diagnosis ?? 'ok' };
  const known = SCENARIOS.find(
    (scenario) =>
      scenario.divergence &&
      expectationFor(scenario.expect.client, client) === split.client &&
      expectationFor(scenario.expect.worker, worker) === split.worker,
  );
  return `the stacks disagree: client ${split.client}, worker ${split.worker}${known ? `. ${known.divergence}` : ''}`;
}
