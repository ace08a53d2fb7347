/** Option parsers: what they take, and the one line they say for what they do not. */
import { parseDuration, parseListenAddress } from './options';

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

test.each([
  ['0.0.0.0', '0.0.0.0'],
  ['10.213.9.1', '10.213.9.1'],
  ['[::]', '::'],
])('--listen %s', (value, address) => {
  expect(parseListenAddress(value)).toBe(address);
});

test.each(['', 'localhost', 'example.com', '10.0.0.256', '0.0.0.0:7233'])('--listen refuses "%s" in one line', (value) => {
  expect(() => parseListenAddress(value)).toThrow(/^--listen ".*" is not an IP address \(0\.0\.0\.0 for every IPv4 interface, or one of this machine's addresses\)$/);
});
