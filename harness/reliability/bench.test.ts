/** The benchmark's statistics: nearest-rank median and p95. */
import { sdkWaits, stats } from './bench';

test('median and p95 by nearest rank', () => {
  expect(stats([5, 1, 4, 2, 3])).toEqual({ n: 5, medianMs: 3, p95Ms: 5 });
  expect(stats(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ n: 100, medianMs: 50, p95Ms: 95 });
  expect(stats([])).toEqual({ n: 0, medianMs: 0, p95Ms: 0 });
});

test('the SDK makes the application wait when it hits the cap or fails only at a deadline, not when it fails at once', () => {
  const base = { scenario: 's', expected: 'X', harnessMs: 500, ratio: 1, sdkError: '' };
  expect(sdkWaits({ ...base, sdkDefaultMs: 30_000, capped: true })).toBe(true);
  expect(sdkWaits({ ...base, sdkDefaultMs: 10_003, capped: false })).toBe(true);
  expect(sdkWaits({ ...base, sdkDefaultMs: 4, capped: false })).toBe(false);
});
