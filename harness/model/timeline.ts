/**
 * What happened to a connection over time, as each witness saw it: the stacks under test (what
 * they logged and what their calls returned), the harness (what it did to the server or the
 * credentials, and whether the server served), and the intermediaries on the path (the calls
 * they cut). A cell of the lifetime family reports one; so does `validate --hold`.
 */
import type { DiagnosisCode } from '../diagnosis/codes';

export interface TimelineEvent {
  /** When, in milliseconds since the epoch (reports show it relative to the timeline's start). */
  at: number;
  /**
   * Who saw it: `client`, `worker`, `harness` (what it did), `own-poll` (the long polls
   * `validate --hold` times itself), or an intermediary's name such as `nginx`.
   */
  by: string;
  /** What happened, in the witness's own words (key material redacted). */
  text: string;
  /** The level an SDK logged it at, for log lines (`DEBUG` ... `ERROR`). */
  level?: string;
  /** What the event means, when the classifier names a cause for it. */
  code?: DiagnosisCode;
}

export interface Timeline {
  /** When the stack under test began to connect. */
  startedAt: number;
  events: TimelineEvent[];
}

/** `12.3 s` after the timeline's start. */
export function sinceStart(timeline: Pick<Timeline, 'startedAt'>, event: Pick<TimelineEvent, 'at'>): string {
  return `${((event.at - timeline.startedAt) / 1000).toFixed(1)} s`;
}
