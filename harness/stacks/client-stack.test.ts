import { TIMEOUTS } from './cell';
import { connectDeadlineAfter } from './client-stack';

const status = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

test.each([
  ['the probe succeeded', null, TIMEOUTS.connectMs],
  ['the probe only ran out of time (a slow server, not a wrong one)', status(4, 'Deadline exceeded'), TIMEOUTS.connectMs],
  [
    'the channel never became ready (a TLS failure)',
    status(14, 'No connection established. Last error: Error: certificate has expired. Resolution note: '),
    TIMEOUTS.connectWithoutChannelMs,
  ],
  ['the server answered UNAVAILABLE over a working channel', status(14, 'Not enough hosts to serve the request'), TIMEOUTS.connectAfterFailedProbeMs],
  ['the server refused the call', status(7, 'Request unauthorized.'), TIMEOUTS.connectAfterFailedProbeMs],
])("%s: the application's connect gets its deadline", (_, cause, expected) => {
  expect(connectDeadlineAfter(cause)).toBe(expected);
});
