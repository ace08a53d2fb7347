/** The benchmark's statistics: nearest-rank median and p95. */
import { stats } from './bench';

test('median and p95 by nearest rank', () => {
  expect(stats([5, 1, 4, 2, 3])).toEqual({ n: 5, medianMs: 3, p95Ms: 5 });
  expect(stats(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ n: 100, medianMs: 50, p95Ms: 95 });
  expect(stats([])).toEqual({ n: 0, medianMs: 0, p95Ms: 0 });
});
