/** `validate` as a library call: the same object `validate --json` prints. */
import type { TimelineEvent } from '../model/timeline';
import { toJson, validate as validateSetup, type ValidateOptions } from '../validate/validate';

export type { ValidateOptions };
/** What `validate --json` prints: `{ ok, source, findings, probes }`. */
export type ValidateResult = ReturnType<typeof toJson>;

/** Check a connection setup: its PEM files offline, then (unless `offline`) a live probe through both SDK stacks. */
export async function validate(settings: ValidateOptions, env: NodeJS.ProcessEnv = process.env): Promise<ValidateResult> {
  return toJson(await validateSetup(settings, env));
}

/** What `validate --hold --json` adds: each cause with its first time, count and pace, each stack's verdict, every event. */
export type HoldResult = ReturnType<typeof import('../validate/hold-report').holdJson>;

/**
 * `validate --hold`: the checks, then, when they pass, a client and a worker held connected for
 * `durationMs` through the path the settings name (see README, "My worker stops after a while").
 * `onEvent` hears each event as it happens. `hold` is absent when the checks failed.
 */
export async function validateAndHold(
  settings: ValidateOptions,
  durationMs: number,
  options: { env?: NodeJS.ProcessEnv; onEvent?: (event: TimelineEvent) => void } = {},
): Promise<ValidateResult & { hold?: HoldResult }> {
  const report = await validateSetup(settings, options.env ?? process.env);
  if (!report.ok) return toJson(report);
  const { holdConnection } = await import('../validate/hold');
  const { holdJson } = await import('../validate/hold-report');
  const held = await holdConnection(report.target, { durationMs, onEvent: options.onEvent });
  return { ...toJson(report), hold: holdJson({ address: report.target.address, durationMs, interrupted: false, timeline: held.timeline, stacks: held.stacks }, held) };
}
