/** Option parsers: what they take, and the one line they say for what they do not. */
import { parseDuration } from './options';

test.each([
  ['90s', 90_000],
  ['2m', 120_000],
  ['1m30s', 90_000],
  ['1h', 3_600_000],
  ['1.5s', 1500],
])('--hold %s', (value, ms) => {
  expect(parseDuration(value)).toBe(ms);
});

test.each(['', '5', '2 m', 'm', '500ms', '0s', '1x', '2m junk'])('refuses "%s" in one line', (value) => {
  expect(() => parseDuration(value)).toThrow(/is not a duration: write it as 90s, 2m, 1m30s or 1h \(at least 1s\)$/);
});
