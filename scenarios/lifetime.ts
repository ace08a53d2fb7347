/**
 * Failures that come after a working connection: each cell connects, runs a workflow, holds the
 * connection while time passes (the worker polling its empty task queue, the client idle or
 * awaiting a long workflow's result), then runs a workflow again, and reports a timeline of what
 * each stack logged and returned. Time is compressed: proxies time out after seconds, and the
 * servers' own timers are shortened through their dynamic config (servers.ts), with margins of at
 * least 2x, so that a busy machine does not flip a cell.
 */
import { HarnessScenario } from './define';

const family = 'lifetime';

/** nginx grpc_pass whose grpc_read_timeout is far below the server's long polls (60 s for tasks, 20 s for a result). */
const CUTTING_PROXY = { kind: 'grpc-proxy', readTimeoutS: 3 } as const;

export const lifetime: HarnessScenario[] = [
  {
    name: 'long-poll-cut-by-proxy',
    family,
    about:
      "A gRPC proxy (nginx grpc_pass) whose read timeout (3 s here, often 60 s) is shorter than the server's long polls: the worker's task polls (60 s) and a client's wait for a result (20 s) are cut with the proxy's 504 page.",
    server: 'plain',
    client: { tls: false, via: CUTTING_PROXY },
    hold: { seconds: 100, client: 'awaiting-result' },
    expect: { client: 'LONG_POLL_CUT', worker: 'ok' },
    findings: { client: ['LONG_POLL_CUT'], worker: ['LONG_POLL_CUT'] },
    divergence:
      "sdk-core (worker) retries a cut poll at once and for as long as it runs, and logs it only at DEBUG; the client's retry interceptor gives up on a result's long poll after 10 attempts, and handle.result() rejects.",
  },
  {
    name: 'long-poll-below-proxy-timeout',
    family,
    about: "The fix: the server's long polls (matching and history longPollExpirationInterval, 3 s here) end before the proxy's read timeout (6 s): no call is cut.",
    server: 'plain-short-poll',
    client: { tls: false, via: { kind: 'grpc-proxy', readTimeoutS: 6 } },
    hold: { seconds: 15, client: 'awaiting-result' },
    expect: { client: 'ok', worker: 'ok' },
  },
  {
    name: 'proxy-error-page',
    family,
    about: 'A gRPC proxy whose upstream refuses (the frontend is down or on another port) answers every call with its own HTML 502 page.',
    server: 'plain',
    client: { tls: false, via: { kind: 'grpc-proxy', readTimeoutS: 3, upstream: 'nothing-listening' } },
    hold: { seconds: 5 },
    expect: { client: 'PROXY_HTTP_ERROR', worker: 'PROXY_HTTP_ERROR' },
    findings: { client: ['PROXY_HTTP_ERROR'], worker: ['PROXY_HTTP_ERROR'] },
  },
  {
    name: 'max-connection-age',
    family,
    about:
      "The server closes every connection after its maximum age (frontend.keepAliveMaxConnectionAge, 5 min by default; 4 s here, 2 s of grace), while the worker polls and the client idles: both reconnect, and the next workflow completes.",
    server: 'tls-max-age',
    client: { tls: { ca: 'ca' } },
    hold: { seconds: 15 },
    expect: { client: 'ok', worker: 'ok' },
  },
];
