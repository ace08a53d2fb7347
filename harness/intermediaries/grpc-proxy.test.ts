/** What the gRPC proxy's access log says of a cell: the calls nginx answered itself, with their time. */
import { callsAnsweredByProxy } from './grpc-proxy';

const LOG = [
  '1796661182.026 504 5.000 /temporal.api.workflowservice.v1.WorkflowService/PollWorkflowTaskQueue',
  '1796661182.720 200 0.004 /temporal.api.workflowservice.v1.WorkflowService/PollWorkflowTaskQueue',
  '1796661182.790 499 0.119 /temporal.api.workflowservice.v1.WorkflowService/PollActivityTaskQueue',
  '1796661183.001 502 0.000 /temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo',
  '',
].join('\n');

test('a 504 is a call it ended at its read timeout, a 502 a call it answered with its page; a 200 (whatever its gRPC status) and a 499 (the client gave up) are not its doing', () => {
  expect(callsAnsweredByProxy(LOG, 0, 5)).toEqual([
    { at: 1796661182026, by: 'nginx', text: 'nginx ended PollWorkflowTaskQueue after 5.0 s with its own 504 Gateway Timeout page: no response began within grpc_read_timeout 5s' },
    { at: 1796661183001, by: 'nginx', text: 'nginx answered GetSystemInfo itself with a 502 Bad Gateway page after 0.0 s' },
  ]);
});

test('only the calls that ended since the cell began', () => {
  expect(callsAnsweredByProxy(LOG, 1796661182500, 5).map(({ at }) => at)).toEqual([1796661183001]);
});
