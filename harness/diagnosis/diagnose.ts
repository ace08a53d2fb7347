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

export async function diagnoseAttempt(
  attempt: StackAttempt,
  context: ClassifyContext,
  incompleteChain: () => Promise<boolean>,
): Promise<DiagnosedAttempt> {
  const failed = attempt.error !== null && attempt.error !== undefined;
  const error = failed ? redactKeyMaterial(errorText(attempt.error)) : null;
  const cause = attempt.cause ? redactKeyMaterial(errorText(attempt.cause)) : null;
  const diagnosis = failed ? await diagnose(`${error} ${cause ?? ''}`, context, incompleteChain) : null;
  return { error, cause, diagnosis };
}

/** Classify; when the server's certificate is untrusted, look at the chain it sends before saying why. */
async function diagnose(text: string, context: ClassifyContext, incompleteChain: () => Promise<boolean>): Promise<DiagnosisCode> {
  const first = classify(text, context);
  if (first !== 'SERVER_CA_UNTRUSTED') return first;
  return classify(text, { ...context, incompleteChain: await incompleteChain() });
}
