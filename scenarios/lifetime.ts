/**
 * Failures that come after a working connection: each cell connects, runs a workflow, holds the
 * connection while time passes (the worker polling its empty task queue, the client idle or
 * awaiting a long workflow's result), then runs a workflow again, and reports a timeline of what
 * each stack logged and returned. Time is compressed: proxies time out after seconds, and the
 * servers' own timers are shortened through their dynamic config (servers.ts), with margins of at
 * least 2x, so that a busy machine does not flip a cell.
 */
import { HarnessScenario, mutualAuth, serverAuth } from './define';

const family = 'lifetime';

/** nginx grpc_pass whose grpc_read_timeout is far below the server's long polls (60 s for tasks, 20 s for a result). */
const CUTTING_PROXY = { kind: 'grpc-proxy', readTimeoutS: 3 } as const;

/**
 * The next workflow's deadline on a server that closes every connection after 4 s with 2 s of
 * grace: every long poll is cut there, of the harness's counterpart worker too, which runs on it
 * for the whole matrix, so its pollers back off up to 10 s (measured: 10.1 s from the hold's end
 * to the result once, and over 15 s in a CI run with the whole suite on 2 cores).
 */
const AFTER_FORCED_CLOSES_S = 45;

export const lifetime: HarnessScenario[] = [
  {
    name: 'long-poll-cut-by-proxy',
    family,
    about:
      "A gRPC proxy (nginx grpc_pass) whose read timeout (3 s here, often 60 s) is shorter than the server's long polls: the worker's task polls (60 s) and a client's wait for a result (20 s) are cut with the proxy's 504 page.",
    server: 'plain',
    client: { tls: false, via: CUTTING_PROXY },
    // After 100 s of cut polls core's pollers back off (measured: the next workflow took up to 6.7 s after the hold).
    hold: { seconds: 100, client: 'awaiting-result', nextWithinS: 45 },
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
    client: { tls: serverAuth },
    hold: { seconds: 15, nextWithinS: AFTER_FORCED_CLOSES_S },
    expect: { client: 'ok', worker: 'ok' },
  },
  {
    name: 'max-connection-age-autoscaling-pollers',
    family,
    about:
      "The same while the worker's workflow pollers autoscale (workflowTaskPollerBehavior: { type: 'autoscaling' }): sdk-core before sdk-rust PR #973 ended such a worker with a fatal error at a GOAWAY when no scaling had happened yet (sdk-python #972: every five minutes).",
    server: 'tls-max-age',
    client: { tls: serverAuth },
    hold: { seconds: 20, worker: { pollers: 'autoscaling' }, nextWithinS: AFTER_FORCED_CLOSES_S },
    expect: { client: 'ok', worker: 'ok' },
  },
  {
    name: 'client-cert-expires-under-worker',
    family,
    about:
      'The client certificate expires while the application runs (20 s after the cell begins here); nothing happens until the next handshake, which the max connection age forces (4 s here), and the server refuses it.',
    server: 'mtls-max-age',
    client: { tls: mutualAuth, expiring: { credential: 'client-certificate', inS: 20 } },
    hold: { seconds: 90 },
    expect: { client: 'CLIENT_CERT_EXPIRED', worker: 'CLIENT_CERT_EXPIRED' },
    findings: { client: ['CLIENT_CERT_EXPIRED'], worker: ['CLIENT_CERT_EXPIRED'] },
  },
  {
    name: 'client-cert-renewed-under-worker',
    family,
    about:
      "The fix: before the certificate expires, the application swaps in a connection with a renewed one (the worker: worker.connection = await NativeConnection.connect(...), SDK 1.15 and later; the client: a new Connection and Client).",
    server: 'mtls-max-age',
    client: { tls: mutualAuth, expiring: { credential: 'client-certificate', inS: 20 } },
    hold: { seconds: 40, during: [{ atS: 2, action: 'renew-client-certificate' }], nextWithinS: AFTER_FORCED_CLOSES_S },
    expect: { client: 'ok', worker: 'ok' },
  },
  {
    name: 'api-key-expires-under-worker',
    family,
    about: 'The API key expires while the application runs (20 s after the cell begins here) and is not rotated: every call is refused from then on.',
    server: 'tls-auth-short-poll',
    client: { tls: serverAuth, apiKey: 'write', expiring: { credential: 'api-key', inS: 20 } },
    hold: { seconds: 120 },
    expect: { client: 'API_KEY_EXPIRED', worker: 'API_KEY_EXPIRED' },
    findings: { client: ['API_KEY_EXPIRED'], worker: ['API_KEY_EXPIRED'] },
  },
  {
    name: 'server-starts-late',
    family,
    about: 'The application starts before its server: the server accepts connections only 2 s after the application began to connect (compose or Kubernetes start-up order).',
    server: 'tls-late',
    client: { tls: serverAuth },
    fault: 'start-late',
    hold: { seconds: 3 },
    expect: { client: 'ok', worker: 'SERVER_NOT_READY' },
    findings: { worker: ['SERVER_NOT_READY'] },
    divergence: 'NativeConnection.connect (worker) makes one attempt and fails at once; Connection.connect (client) retries until its connectTimeout (10 s) and gets in once the server is up.',
  },
  {
    name: 'idle-connection-dropped',
    family,
    about:
      'A NAT or stateful firewall forgets the connection while it is idle (4 s after the cell begins here; AWS NAT gateways after 350 s, many firewalls sooner): its packets are dropped from then on, without a FIN or RST, and only a keepalive or a retransmission timeout tells the stack.',
    server: 'tls',
    client: { tls: serverAuth, via: { kind: 'nat', forgetsAfterS: 4 } },
    hold: { seconds: 10 },
    expect: { client: 'ok', worker: 'IDLE_CONNECTION_DROPPED' },
    findings: { client: ['IDLE_CONNECTION_DROPPED'], worker: ['IDLE_CONNECTION_DROPPED'] },
    divergence:
      "The client's next call waits on the dead connection until its keepalive gives up on it (a ping 30 s after the last, 15 s to answer), then goes out on a new one; the worker's polls wait on it as long, so it takes no task meanwhile, and the next workflow is not run within 15 s.",
  },
  {
    name: 'idle-connection-dropped-keepalive',
    family,
    about: 'The same NAT, and a hold long enough for the stacks\' keepalives (a ping every 30 s, 15 s to answer) to find the connection dead before the next workflow.',
    server: 'tls',
    client: { tls: serverAuth, via: { kind: 'nat', forgetsAfterS: 4 } },
    hold: { seconds: 70 },
    expect: { client: 'ok', worker: 'ok' },
    findings: { client: ['IDLE_CONNECTION_DROPPED'], worker: ['IDLE_CONNECTION_DROPPED'] },
  },
  {
    name: 'payload-over-blob-limit',
    family,
    about:
      "After a working connection, a workflow whose payload is 3 MB: over the server's blob size limit (limit.blobSize.error, 2 MB), under gRPC's 4 MB. The client sends it as the workflow's input, the worker as an activity's result.",
    server: 'plain',
    client: { tls: false },
    hold: { seconds: 1, next: { payloadBytes: 3_000_000 } },
    expect: { client: 'PAYLOAD_TOO_LARGE', worker: 'PAYLOAD_TOO_LARGE' },
    findings: { client: ['PAYLOAD_TOO_LARGE'], worker: ['PAYLOAD_TOO_LARGE'] },
  },
  {
    name: 'payload-over-grpc-limit',
    family,
    about: "The same with a 5 MB payload: over the server's gRPC receive limit (4 MB) too.",
    server: 'plain',
    client: { tls: false },
    hold: { seconds: 1, next: { payloadBytes: 5_000_000 } },
    expect: { client: 'PAYLOAD_TOO_LARGE', worker: 'PAYLOAD_TOO_LARGE' },
    findings: { client: ['PAYLOAD_TOO_LARGE'], worker: ['PAYLOAD_TOO_LARGE'] },
  },
  {
    name: 'history-reply-over-4mb',
    family,
    about:
      "A workflow whose three activities return 1.5 MB each (each under the blob limit), then the client reads its whole history (fetchHistory): a reply of 4.5 MB, over gRPC's default 4 MB receive limit. The TS client sets max_receive_message_length to 128 MB, without the grpc. prefix grpc-js reads.",
    server: 'plain',
    client: { tls: false },
    hold: { seconds: 1, next: { historyOf: { activities: 3, bytes: 1_500_000 } } },
    expect: { client: 'PAYLOAD_TOO_LARGE', worker: 'ok' },
    findings: { client: ['PAYLOAD_TOO_LARGE'] },
    divergence: "grpc-js (client) stops at its default 4 MB receive limit: the SDK's 128 MB setting is named max_receive_message_length, and grpc-js reads only grpc.max_receive_message_length. The worker gets the history a workflow task at a time, each well under 4 MB.",
  },
  {
    name: 'keepalive-pings-refused',
    family,
    about:
      "The server's minimum ping interval (frontend.keepAliveMinTime, 10 s by default; 60 s here) is above the client's keepalive (every 30 s, also when idle): the server counts each early ping as a strike and closes the connection after a few.",
    server: 'tls-strict-pings',
    client: { tls: serverAuth },
    hold: { seconds: 150 },
    expect: { client: 'ok', worker: 'ok' },
    findings: { client: ['KEEPALIVE_REFUSED'] },
  },
];
