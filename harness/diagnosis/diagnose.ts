/**
 * From a stack's attempt to its redacted error texts and its cause: the step the matrix and
 * `validate` share, so both name a failure the same way.
 */
import type { StackAttempt } from '../stacks/cell';
import { ClassifyContext, classify, errorText } from './classify';
import type { DiagnosisCode } from './codes';
import { redactKeyMaterial } from './redact';

export interface DiagnosedAttempt {
  /** The error the application sees, redacted; null when the attempt succeeded. */
  error: string | null;
  /** The reason a second, non-retrying look found (client stack), redacted. */
  cause: string | null;
  /** null when the attempt succeeded. */
  diagnosis: DiagnosisCode | null;
}

/** Evidence that takes I/O, gathered only when the error text leaves the cause open. */
export type GatherEvidence = () => Promise<Partial<ClassifyContext>>;

/** Causes whose words are shared by others that only evidence tells apart. */
const NEEDS_EVIDENCE: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>([
  'SERVER_CA_UNTRUSTED',
  // A proxy that refuses (PROXY_UNREACHABLE) and an HTTP port (HTTP_ENDPOINT_NOT_GRPC) read like these.
  'CONNECTION_REFUSED',
  'PLAINTEXT_TO_TLS_SERVER',
  'TIMEOUT',
  // A connection closed before the handshake (Docker's proxy with nothing behind it) reads like a refused client certificate to rustls.
  'CLIENT_CERT_REQUIRED',
  // rustls's words for a server key it cannot use (a failed handshake, a bad signature) are otherwise unknown.
  // And grpc-js words a refusing proxy as "Last error: undefined", which no rule reads without evidence.
  'UNCLASSIFIED',
]);

export async function diagnoseAttempt(attempt: StackAttempt, context: ClassifyContext, evidence: GatherEvidence): Promise<DiagnosedAttempt> {
  const failed = attempt.error !== null && attempt.error !== undefined;
  const error = failed ? redactKeyMaterial(errorText(attempt.error)) : null;
  const cause = attempt.cause ? redactKeyMaterial(errorText(attempt.cause)) : null;
  const diagnosis = failed ? await diagnose(`${error} ${cause ?? ''}`, context, evidence) : null;
  return { error, cause, diagnosis };
}

/** Classify; when the words leave the cause open, look at the server and the environment before saying why. */
async function diagnose(text: string, context: ClassifyContext, evidence: GatherEvidence): Promise<DiagnosisCode> {
  const first = classify(text, context);
  if (!NEEDS_EVIDENCE.has(first)) return first;
  return classify(text, { ...context, ...(await evidence()) });
}
