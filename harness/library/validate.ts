/** `validate` as a library call: the same object `validate --json` prints. */
import { toJson, validate as validateSetup, type ValidateOptions } from '../validate/validate';

export type { ValidateOptions };
/** What `validate --json` prints: `{ ok, source, findings, probes }`. */
export type ValidateResult = ReturnType<typeof toJson>;

/** Check a connection setup: its PEM files offline, then (unless `offline`) a live probe through both SDK stacks. */
export async function validate(settings: ValidateOptions, env: NodeJS.ProcessEnv = process.env): Promise<ValidateResult> {
  return toJson(await validateSetup(settings, env));
}
