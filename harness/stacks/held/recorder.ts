/**
 * The timeline a held cell records as it goes: what its stack logged, what its calls returned,
 * what it did. Texts are redacted as they are kept, so no key or token reaches a report.
 */
import { redactKeyMaterial } from '../../diagnosis/redact';
import type { TimelineEvent } from '../../model/timeline';

/** Long SDK messages (core's Debug output of a Status with all its metadata) are kept to this length. */
const TEXT_KEPT = 600;

export class Recorder {
  readonly events: TimelineEvent[] = [];

  constructor(private readonly by: string) {}

  record(text: string, level?: string): void {
    const kept = redactKeyMaterial(text);
    this.events.push({
      at: Date.now(),
      by: this.by,
      text: kept.length > TEXT_KEPT ? `${kept.slice(0, TEXT_KEPT)}...` : kept,
      ...(level ? { level } : {}),
    });
  }

  /** The last error-like text recorded since `since`: what a failed workflow after the hold waited on. */
  lastProblem(since: number): string | undefined {
    return [...this.events].reverse().find((event) => event.at >= since && event.level !== undefined && event.level !== 'INFO')?.text;
  }
}
