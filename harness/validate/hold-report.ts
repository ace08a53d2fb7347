/**
 * What `validate --hold` prints: a line per event as it happens (the same kind of event at most
 * once in a few seconds, counted meanwhile), a progress line on a terminal, and at the end, or at
 * Ctrl-C, each cause seen: when it first came, how often and at what interval, and its fix.
 */
import { DIAGNOSES, type DiagnosisCode } from '../diagnosis/codes';
import type { Timeline, TimelineEvent } from '../model/timeline';
import type { HeldStack, HoldReport } from './hold';

/** The server refused what the hold does (start workflows, poll a task queue): the rights, not the connection. */
const NO_RIGHTS: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>(['API_KEY_MISSING', 'ROLE_INSUFFICIENT', 'NAMESPACE_NOT_PERMITTED']);

/** The same kind of event is printed again only after this long (a cut poll comes in tens at once). */
const REPEAT_QUIET_MS = 5000;
const TEXT_SHOWN = 160;

/** `1:02.5` since the hold began. */
export function clock(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const minutes = Math.floor(total / 60);
  return `${minutes}:${(total - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

/** Prints events as they come, and a progress line redrawn in place on a terminal. */
export class HoldPrinter {
  private readonly lastPrinted = new Map<string, number>();
  private readonly events: TimelineEvent[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly startedAt: number,
    private readonly durationMs: number,
    /** The cause an event names, read as the end's summary will read it. */
    private readonly codeOf: (event: TimelineEvent) => DiagnosisCode | undefined,
  ) {
    if (out.isTTY) this.timer = setInterval(() => this.progress(), 1000);
  }

  get seen(): TimelineEvent[] {
    return this.events;
  }

  event(event: TimelineEvent): void {
    this.events.push(event);
    const code = this.codeOf(event);
    const key = `${event.by}|${code ?? ''}|${event.text.replace(/\d+(\.\d+)?/g, '#')}`;
    const last = this.lastPrinted.get(key);
    if (last !== undefined && event.at - last < REPEAT_QUIET_MS) return;
    this.lastPrinted.set(key, event.at);
    const text = event.text.length > TEXT_SHOWN ? `${event.text.slice(0, TEXT_SHOWN)}...` : event.text;
    this.write(`  ${clock(event.at - this.startedAt).padStart(7)}  ${event.by.padEnd(7)} ${code ? `${code}: ` : ''}${text}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.out.isTTY) this.out.write('\r\x1b[K');
  }

  private write(line: string): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    this.out.write(line);
    if (this.out.isTTY) this.progress();
  }

  private progress(): void {
    const elapsed = Math.min(Date.now() - this.startedAt, this.durationMs);
    this.out.write(`\r\x1b[K  hold ${clock(elapsed)} / ${clock(this.durationMs)} · ${this.events.length} events`);
  }
}

/** One cause the hold saw: how often, when first, at what interval. */
export interface CauseSeen {
  code: DiagnosisCode;
  count: number;
  firstAtMs: number;
  /** The median gap between occurrences, when they repeat at a steady pace. */
  everyS?: number;
  explanation: string;
  fix: string;
}

/** Each cause on the timeline, in the order it first came. Occurrences within a second count once (a cut reaches every poller at once). */
export function causesSeen(timeline: Timeline): CauseSeen[] {
  const byCode = new Map<DiagnosisCode, number[]>();
  for (const event of timeline.events) if (event.code) byCode.set(event.code, [...(byCode.get(event.code) ?? []), event.at]);
  return [...byCode].map(([code, times]) => {
    const distinct = times.filter((at, i) => i === 0 || at - times[i - 1] > 1000);
    const gaps = distinct.slice(1).map((at, i) => at - distinct[i]).sort((a, b) => a - b);
    const median = gaps.length >= 2 ? gaps[Math.floor(gaps.length / 2)] : undefined;
    return {
      code,
      count: distinct.length,
      firstAtMs: times[0] - timeline.startedAt,
      ...(median !== undefined ? { everyS: Math.round(median / 100) / 10 } : {}),
      explanation: DIAGNOSES[code].explanation,
      fix: DIAGNOSES[code].fix,
    };
  });
}

export interface HoldSummary {
  address: string;
  durationMs: number;
  /** Ctrl-C came first: the summary holds what was seen until then. */
  interrupted: boolean;
  timeline: Timeline;
  /** Absent after Ctrl-C: the stacks did not finish. */
  stacks?: HeldStack[];
}

/** Nothing wrong: no cause on the timeline, and both stacks ran the workflow after the hold. */
export function holdOk(summary: HoldSummary): boolean {
  return !summary.interrupted && causesSeen(summary.timeline).length === 0 && (summary.stacks ?? []).every((stack) => stack.actual === 'ok');
}

export function renderHoldSummary(summary: HoldSummary): string {
  const held = clock(summary.interrupted ? Date.now() - summary.timeline.startedAt : summary.durationMs);
  const causes = causesSeen(summary.timeline);
  const lines = [`hold summary (${held}${summary.interrupted ? ', ended early by Ctrl-C' : ''} through ${summary.address})`];
  if (causes.length === 0) lines.push('  nothing cut or refused the connections');
  for (const cause of causes) {
    const pace = cause.everyS !== undefined ? `, every ${cause.everyS} s` : '';
    lines.push(`  ${cause.code}: first at ${clock(cause.firstAtMs)}, ${cause.count} time(s)${pace}`, `    ${cause.explanation}`, `    fix: ${cause.fix}`);
  }
  for (const stack of summary.stacks ?? []) {
    if (stack.diagnosis && NO_RIGHTS.has(stack.diagnosis)) {
      lines.push(`  no rights: the server refused the ${stack.stack} (${stack.diagnosis}); --hold starts workflows and polls a task queue of its own, which needs write on the namespace`);
    }
    lines.push(`  ${stack.stack.padEnd(7)} ${stack.actual}${stack.diagnosis ? ` ${stack.diagnosis}` : ''}${stack.detail ? ` (${stack.detail})` : ''}`);
    if (stack.error) lines.push(`          raw: ${stack.error.replace(/\s*\n\s*/g, ' ').slice(0, 400)}`);
  }
  lines.push(holdOk(summary) ? 'OK: the connections held' : 'FAIL: see the causes above');
  return `${lines.join('\n')}\n`;
}

/** `--json`: the summary and every event of the timeline. */
export function holdJson(summary: HoldSummary, report?: Pick<HoldReport, 'taskQueue'>) {
  return {
    ok: holdOk(summary),
    interrupted: summary.interrupted,
    durationMs: summary.durationMs,
    ...(report ? { taskQueue: report.taskQueue } : {}),
    causes: causesSeen(summary.timeline),
    stacks: summary.stacks ?? [],
    timeline: summary.timeline.events.map((event) => ({ ...event, atMs: event.at - summary.timeline.startedAt })),
  };
}
