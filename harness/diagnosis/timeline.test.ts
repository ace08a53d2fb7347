/** A held cell's timeline: read event by event in the context of its moment, condensed, and its findings. */
import type { Timeline, TimelineEvent } from '../model/timeline';
import type { ClassifyContext } from './classify';
import { causeDetail } from './details';
import { classifyTimeline, condenseTimeline, findingsOf, groupTime, lastCauseBefore, mergeTimeline } from './timeline';

const worker: ClassifyContext = { stack: 'worker', clientTls: true };
const CUT = 'nginx ended PollWorkflowTaskQueue after 3.0 s with its own 504 Gateway Timeout page: no response began within grpc_read_timeout 3s';
const event = (at: number, by: string, text: string, level?: string): TimelineEvent => ({ at, by, text, ...(level ? { level } : {}) });

test('each event gets the cause its words name; the harness\'s own doings and plain information get none', () => {
  const timeline = mergeTimeline(
    1000,
    [event(4000, 'nginx', CUT), event(7000, 'nginx', CUT)],
    [event(1200, 'harness', 'the hold begins: 100 s at most'), event(5000, 'client', 'channel READY -> IDLE', 'INFO')],
  );
  const read = classifyTimeline(timeline, () => worker);
  expect(read.events.map((e) => [e.at, e.code])).toEqual([
    [1200, undefined],
    [4000, 'LONG_POLL_CUT'],
    [5000, undefined],
    [7000, 'LONG_POLL_CUT'],
  ]);
  expect(findingsOf(read)).toEqual(['LONG_POLL_CUT']);
  expect(lastCauseBefore(read, 6000)).toBe('LONG_POLL_CUT');
  expect(lastCauseBefore(read, 3000)).toBeUndefined();
});

test('words that say nothing in particular (a timeout, an unknown error) are no finding', () => {
  const read = classifyTimeline(mergeTimeline(0, [event(1, 'worker', 'CellTimeoutError: the workflow did not settle within 15000ms', 'ERROR'), event(2, 'worker', 'something else', 'WARN')]), () => worker);
  expect(findingsOf(read)).toEqual([]);
});

test('an event is read in the context of its moment: a refusal names an expired key only once the key has expired', () => {
  const refused = 'Network error while sending worker heartbeat: Status { code: PermissionDenied, message: "Request unauthorized." }';
  const expiresAtS = 100;
  const contextAt = (at: number): ClassifyContext => ({ ...worker, at, apiKey: { facts: { expiresAt: expiresAtS, audience: [], permissions: ['default:write'] }, namespace: 'default' } });
  const read = classifyTimeline(mergeTimeline(0, [event(99_000, 'worker', refused, 'WARN'), event(101_000, 'worker', refused, 'WARN')]), contextAt);
  expect(read.events.map((e) => e.code)).toEqual(['ROLE_INSUFFICIENT', 'API_KEY_EXPIRED']);
});

test('repeated events condense to one line each, with their count and first and last time', () => {
  const timeline: Timeline = mergeTimeline(
    1000,
    [4000, 7000, 10_000].map((at) => event(at, 'nginx', CUT.replace('3.0 s', `${(at / 3333).toFixed(1)} s`))),
    [event(1500, 'worker', 'the first workflow completed')],
  );
  const groups = condenseTimeline(timeline);
  expect(groups.map((group) => [group.by, group.count])).toEqual([
    ['worker', 1],
    ['nginx', 3],
  ]);
  expect(groups.map((group) => groupTime(timeline, group))).toEqual(['0.5 s', '3.0-9.0 s ×3']);
});

test.each([
  ['PAYLOAD_TOO_LARGE', 'Error: 3 INVALID_ARGUMENT: Blob data size exceeds limit.', "the server's blob size limit for one payload (limit.blobSize.error, 2 MB by default)"],
  ['PAYLOAD_TOO_LARGE', 'Error: 8 RESOURCE_EXHAUSTED: grpc: received message larger than max (5000272 vs. 4194304)', "the server's gRPC receive limit (4.0 MB): the message had 4.8 MB"],
  ['PAYLOAD_TOO_LARGE', 'Error: 8 RESOURCE_EXHAUSTED: Received message larger than max (4503362 vs 4194304)', "the client's own gRPC receive limit (4.0 MB): the reply had 4.3 MB"],
  ['PROXY_HTTP_ERROR', 'Error: 14 UNAVAILABLE: Received HTTP status code 502', 'the proxy answered with HTTP 502'],
  ['PROXY_HTTP_ERROR', 'message: "protocol error: received message with invalid compression flag: 60 (valid flags are 0 and 1) while receiving response with status: 502 Bad Gateway"', 'the proxy answered with HTTP 502 Bad Gateway'],
  ['CONNECTION_REFUSED', 'Error: 14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED ::1:36361. Resolution note: ', 'refused at ::1:36361'],
  ['CONNECTION_REFUSED', 'TransportError: tonic::transport::Error(Transport, ConnectError(ConnectError("tcp connect error", 127.0.0.1:41793, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))', 'refused at 127.0.0.1:41793'],
] as const)('the detail of %s: %s', (code, text, detail) => {
  expect(causeDetail(code, text)).toBe(detail);
});
