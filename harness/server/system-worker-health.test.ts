/** Reading a server's log for its own worker's failure: lines as v1.32.1 printed them here. */
import { startFailed, workerComplaints } from './system-worker-health';

const NO_CERTIFICATE =
  '{"level":"warn","ts":"2026-12-07T22:04:04.346Z","msg":"error creating sdk client","service":"worker","error":"failed reaching server: connection error: desc = \\"transport: authentication handshake failed: client auth required, but no certificate provided\\"","logging-call-at":"/root/go/pkg/mod/go.temporal.io/server@v1.32.1/common/sdk/factory.go:98"}';
const UNAUTHORIZED_WORKFLOW =
  '{"level":"error","ts":"2026-12-07T22:03:58.360Z","msg":"error starting workflow","service":"worker","wf-type":"temporal-sys-tq-scanner-workflow","error":"Request unauthorized.","logging-call-at":"scanner.go:337"}';
const UNAUTHORIZED_FATAL =
  '{"level":"fatal","ts":"2026-12-07T22:03:58.582Z","msg":"error starting scanner","service":"worker","error":"failed reaching server: Request unauthorized.","logging-call-at":"service.go:358"}';
const FRONTEND_WARNING = '{"level":"warn","ts":"2026-12-07T22:03:58.100Z","msg":"some frontend warning","service":"frontend"}';

test("the worker service's complaints, as message and error, and no other service's", () => {
  expect(workerComplaints([FRONTEND_WARNING, NO_CERTIFICATE, 'not json', UNAUTHORIZED_WORKFLOW])).toEqual([
    'error creating sdk client: failed reaching server: connection error: desc = "transport: authentication handshake failed: client auth required, but no certificate provided"',
    'error starting workflow: Request unauthorized.',
  ]);
});

test('a line behind a prefix (a multiplexed log stream) is still read', () => {
  expect(workerComplaints([`\u0001\u0000\u0000\u0000\u0000\u0000\u0001_${NO_CERTIFICATE}`])).toHaveLength(1);
});

test('an exited server is named by its last FATAL line, not by the errors before it', () => {
  expect(startFailed([UNAUTHORIZED_WORKFLOW, UNAUTHORIZED_FATAL, FRONTEND_WARNING])).toEqual({
    code: 'SERVER_START_FAILED',
    line: 'error starting scanner: failed reaching server: Request unauthorized.',
  });
});

test('without a FATAL line, its last line says what there is', () => {
  expect(startFailed([FRONTEND_WARNING]).line).toBe('some frontend warning');
  expect(startFailed([]).line).toBe('the server exited without a log line');
});
