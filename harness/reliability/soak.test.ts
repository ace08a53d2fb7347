/** The soak's summary: every failed cell with its error, every change from run 1, the ranges that show growth. */
import { renderSoak, type SoakRun } from './soak';

const run = (n: number, extra: Partial<SoakRun> = {}): SoakRun => ({
  run: n,
  cells: 272,
  failed: 0,
  failures: [],
  flips: [],
  wallMs: 50_000,
  setupMs: 12_000,
  openFds: 77,
  containers: 0,
  peakRssMb: 700,
  heapAfterGcMb: 55,
  ...extra,
});

test('a clean soak says so in one line', () => {
  expect(renderSoak([run(1), run(2, { openFds: 78, heapAfterGcMb: 57 })]).split('\n').at(-1)).toBe(
    '2 runs: no cell changed its outcome; open fds 77-78; heap after GC 55-57 MB; containers left after a run: 0',
  );
});

test('failed cells are listed with their error, and changes from run 1 with the run they happened in', () => {
  const failure = 'http-api-port [worker]: expected HTTP_ENDPOINT_NOT_GRPC, got TIMEOUT: CellTimeoutError: NativeConnection.connect did not settle';
  const text = renderSoak([run(1, { failed: 1, failures: [failure] }), run(2, { flips: ['http-api-port [worker]: TIMEOUT -> HTTP_ENDPOINT_NOT_GRPC'] })]);
  expect(text).toContain('1 outcome change(s)');
  expect(text).toContain('Changes:\n  run 2: http-api-port [worker]: TIMEOUT -> HTTP_ENDPOINT_NOT_GRPC');
  expect(text).toContain(`Failed cells:\n  run 1: ${failure}`);
});
