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
  /** Events the cell's own code wrote about its steps, as opposed to what the SDK said. */
  private readonly steps = new WeakSet<TimelineEvent>();

  /** `onEvent`: told of each event as it is recorded. */
  constructor(
    private readonly by: string,
    private readonly onEvent: (event: TimelineEvent) => void = () => undefined,
  ) {}

  /** What the SDK said: a log line, a call's failed attempt, a channel's state. */
  record(text: string, level?: string): void {
    this.push(text, level);
  }

  /** A step of the cell and how it went (connected, a workflow completed or failed, run() ended). */
  step(text: string, level?: string): void {
    this.steps.add(this.push(text, level));
  }

  /**
   * The last problem the SDK reported since `since`: what a call that failed or timed out waited
   * on (a workflow that never ran says only that it timed out; the poll errors say why).
   */
  lastProblem(since: number): string | undefined {
    return [...this.events].reverse().find((event) => event.at >= since && !this.steps.has(event) && event.level !== undefined && event.level !== 'INFO')?.text;
  }

  private push(text: string, level: string | undefined): TimelineEvent {
    const kept = redactKeyMaterial(text);
    const event = { at: Date.now(), by: this.by, text: kept.length > TEXT_KEPT ? `${kept.slice(0, TEXT_KEPT)}...` : kept, ...(level ? { level } : {}) };
    this.events.push(event);
    this.onEvent(event);
    return event;
  }
}
