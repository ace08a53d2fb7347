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
      if (!classified(event)) return event;
      const code = classify(event.text, { ...contextAt(event.at), phase: 'established' });
      return SAYS_NOTHING.has(code) ? event : { ...event, code };
    }),
  };
}

/** Each code the timeline shows, once, in the order it first appeared. */
export function findingsOf(timeline: Timeline): DiagnosisCode[] {
  return [...new Set(timeline.events.flatMap((event) => (event.code ? [event.code] : [])))];
}

/** All witnesses' events on one timeline, in time order. */
export function mergeTimeline(startedAt: number, ...sources: TimelineEvent[][]): Timeline {
  return { startedAt, events: sources.flat().sort((a, b) => a.at - b.at) };
}
