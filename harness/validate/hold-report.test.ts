/** What `validate --hold` says at its end: each cause, when it first came, how often and at what pace. */
import type { Timeline } from '../model/timeline';
import { causesSeen, clock, holdOk, renderHoldSummary } from './hold-report';

const cut = (at: number, by = 'own-poll') => ({ at, by, text: 'cut', code: 'LONG_POLL_CUT' as const });

test('a cut every 20 s, reaching several pollers within a second, counts once per cut', () => {
  const timeline: Timeline = { startedAt: 0, events: [cut(20_000), cut(20_300, 'worker'), cut(40_100), cut(60_000), cut(60_900, 'worker'), cut(80_200)] };
  expect(causesSeen(timeline)).toEqual([expect.objectContaining({ code: 'LONG_POLL_CUT', count: 4, firstAtMs: 20_000, everyS: 20.1 })]);
});

test('no pace from fewer than three occurrences', () => {
  expect(causesSeen({ startedAt: 0, events: [cut(20_000), cut(40_000)] })[0].everyS).toBeUndefined();
});

test('the hold is ok only when it ran to its end, nothing was named, and both stacks ran the last workflow', () => {
  const clean: Timeline = { startedAt: 0, events: [{ at: 1, by: 'worker', text: 'the first workflow completed' }] };
  const stacks = [
    { stack: 'client' as const, actual: 'ok' as const, diagnosis: null, detail: null, error: null },
    { stack: 'worker' as const, actual: 'ok' as const, diagnosis: null, detail: null, error: null },
  ];
  expect(holdOk({ address: 'a', durationMs: 1, interrupted: false, timeline: clean, stacks })).toBe(true);
  expect(holdOk({ address: 'a', durationMs: 1, interrupted: true, timeline: clean, stacks })).toBe(false);
  expect(holdOk({ address: 'a', durationMs: 1, interrupted: false, timeline: { startedAt: 0, events: [cut(5)] }, stacks })).toBe(false);
});

test('times read as minutes and seconds', () => {
  expect([clock(0), clock(20_049), clock(125_500)]).toEqual(['0:00.0', '0:20.0', '2:05.5']);
});

test('a refusal of what the hold does is said plainly: no rights', () => {
  const refused = { stack: 'client' as const, actual: 'fail' as const, diagnosis: 'ROLE_INSUFFICIENT' as const, detail: null, error: '7 PERMISSION_DENIED: Request unauthorized.' };
  const text = renderHoldSummary({ address: 'a:7233', durationMs: 5000, interrupted: false, timeline: { startedAt: 0, events: [] }, stacks: [refused] });
  expect(text).toContain('no rights: the server refused the client (ROLE_INSUFFICIENT)');
  expect(text).toMatch(/FAIL/);
});
