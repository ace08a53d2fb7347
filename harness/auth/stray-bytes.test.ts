import { STRAY_BYTES, strayBytesOf, strayBytesRefusal, type StrayBytes } from './stray-bytes';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

test.each<[StrayBytes, string, boolean]>([
  ['trailing-newline', 'a trailing "\\n"', false],
  ['trailing-crlf', 'a trailing "\\r\\n"', false],
  ['surrounding-spaces', 'a leading "  " and a trailing " "', true],
  ['surrounding-quotes', 'a leading "\\"" and a trailing "\\""', true],
])('a key with %s: %s, sendable in a header: %s', (stray, description, sendable) => {
  expect(strayBytesOf(STRAY_BYTES[stray](TOKEN))).toEqual({ description, sendable });
});

test('a clean key, and one that is not a JWT but has nothing around it, have no stray bytes', () => {
  expect(strayBytesOf(TOKEN)).toBeNull();
  expect(strayBytesOf('this-is-not-a-jwt')).toBeNull();
});

test('where the key was refused: by the stack itself, sent without it, or refused by the server as sent', () => {
  const newline = strayBytesOf(`${TOKEN}\n`)!;
  const quotes = strayBytesOf(`"${TOKEN}"`)!;
  expect(strayBytesRefusal(newline, 'Error: Metadata string value "Bearer [token redacted]\n" contains illegal characters')).toMatch(/the stack refused the key itself/);
  // The worker's words (measured): GetSystemInfo, exempt, passed without a key; DescribeNamespace did not.
  const describeRefused = 'TransportError: Namespace default was not found or otherwise could not be described: Status { code: PermissionDenied, message: "Request unauthorized." }';
  expect(strayBytesRefusal(newline, describeRefused)).toBe('a trailing "\\n" in the key: the stack sent its calls without the key (a header cannot carry a line break), and the server refused them as unauthenticated');
  const firstCallRefused = 'ServiceError: Failed to connect to Temporal server <- Error: 7 PERMISSION_DENIED: Request unauthorized.';
  expect(strayBytesRefusal(quotes, firstCallRefused)).toMatch(/the stack sent the key with them, and the server refused it/);
});
