/**
 * A held cell's timeline read by the same rules as a failure: each event a stack logged or a
 * call returned, and each call an intermediary cut, gets the cause the classifier names for it.
 * What a timeline shows (its findings) is then judged like an outcome: a long poll cut that the
 * SDK retries without a word is still LONG_POLL_CUT.
 */
import type { Timeline, TimelineEvent } from '../model/timeline';
import { classify, type ClassifyContext } from './classify';
import type { DiagnosisCode } from './codes';

/** Codes that name nothing in particular about a connection that worked. */
const SAYS_NOTHING: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>(['UNCLASSIFIED', 'TIMEOUT']);

/** Notes of the harness's own doing, and a stack's plain information (its channel's states), are not classified. */
const classified = (event: TimelineEvent) => event.by !== 'harness' && event.level !== 'INFO';

/**
 * The timeline with a code on each event the classifier names a cause for, read as events of a
 * connection that worked, in the context of their moment (`contextAt`: what the credentials in use
 * then said of themselves; an expired certificate was not expired an hour before).
 */
export function classifyTimeline(timeline: Timeline, contextAt: (at: number) => ClassifyContext): Timeline {
  return {
    ...timeline,
    events: timeline.events.map((event) => {
      const code = codeOf(event, contextAt(event.at));
      return code ? { ...event, code } : event;
    }),
  };
}

/** The cause one event names, if it names one (see {@link classifyTimeline}). */
export function codeOf(event: TimelineEvent, context: ClassifyContext): DiagnosisCode | undefined {
  if (!classified(event)) return undefined;
  const code = classify(event.text, { ...context, phase: 'established' });
  return SAYS_NOTHING.has(code) ? undefined : code;
}

/** Each code the timeline shows, once, in the order it first appeared. */
export function findingsOf(timeline: Timeline): DiagnosisCode[] {
  return [...new Set(timeline.events.flatMap((event) => (event.code ? [event.code] : [])))];
}

/** All witnesses' events on one timeline, in time order. */
export function mergeTimeline(startedAt: number, ...sources: TimelineEvent[][]): Timeline {
  return { startedAt, events: sources.flat().sort((a, b) => a.at - b.at) };
}

/**
 * What the timeline last named before `at`: the cause of a call that only timed out (a workflow
 * the worker never got, because the NAT had dropped its connection, says nothing but "timed out").
 */
export function lastCauseBefore(timeline: Timeline, at: number): DiagnosisCode | undefined {
  return [...timeline.events].reverse().find((event) => event.code && event.at <= at)?.code;
}

/** The words of the timeline's coded events, for the details they hold (which limit, which status). */
export function timelineText(timeline: Timeline | undefined): string {
  return (timeline?.events ?? []).flatMap((event) => (event.code ? [event.text] : [])).join('\n');
}

/** Events of one kind on a timeline: the same witness saying the same thing (numbers aside), how often and when. */
export interface EventGroup {
  by: string;
  level?: string;
  code?: DiagnosisCode;
  /** The first event's words. */
  text: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * The timeline condensed for a reader: repeated events (a poll cut every 3 s, 84 times) become one
 * line with their count and first and last time, in the order each kind first appeared.
 */
export function condenseTimeline(timeline: Timeline): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const event of timeline.events) {
    const key = [event.by, event.level, event.code, event.text.replace(/\d+(\.\d+)?/g, '#')].join('|');
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.lastAt = event.at;
    } else {
      groups.set(key, { by: event.by, level: event.level, code: event.code, text: event.text, count: 1, firstAt: event.at, lastAt: event.at });
    }
  }
  return [...groups.values()];
}

/** `3.9 s` or `3.9-98.7 s ×84`, relative to the timeline's start. */
export function groupTime(timeline: Pick<Timeline, 'startedAt'>, group: EventGroup): string {
  const seconds = (at: number) => ((at - timeline.startedAt) / 1000).toFixed(1);
  return group.count === 1 ? `${seconds(group.firstAt)} s` : `${seconds(group.firstAt)}-${seconds(group.lastAt)} s ×${group.count}`;
}
