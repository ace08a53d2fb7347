/**
 * What stands between the application and the server: a TLS-terminating proxy (nginx stream,
 * without and with ALPN h2) in front of the plaintext server, an HTTP CONNECT proxy (tinyproxy)
 * named by the proxy variables or by the application's own option, and the HTTP port dialled
 * instead of the gRPC one. Each CONNECT-proxy cell gets a proxy of its own, whose log proves the
 * route its connection took.
 */
import { HarnessScenario, serverAuth } from './define';

const family = 'intermediary';
const CONNECT_PROXY = { kind: 'connect-proxy' } as const;
/** The CONNECT proxy's URL, as a proxy variable holds it. */
const PROXY_URL = { via: 'url' } as const;
const WORKER_IGNORES_PROXY_VARIABLES = 'grpc-js (client) honours the lower-case proxy variables; sdk-core (worker) reads none of them and connects directly unless given its proxy option.';

export const intermediary: HarnessScenario[] = [
  { name: 'tls-proxy-without-alpn', family, about: 'A TLS-terminating proxy in front of the plaintext server negotiates no ALPN (nginx stream without ssl_alpn, an NLB with ALPN policy None).', server: 'plain', client: { via: { kind: 'tls-proxy', alpn: 'none' }, tls: serverAuth }, expect: { client: 'ok', worker: 'ALPN_H2_MISSING' }, divergence: 'grpc-js (client) carries on with HTTP/2 when the server selects no ALPN protocol; tonic (worker) refuses: "HTTP/2 was not negotiated".' },
  { name: 'tls-proxy-with-alpn-h2', family, about: 'The same proxy with ssl_alpn h2.', server: 'plain', client: { via: { kind: 'tls-proxy', alpn: 'h2' }, tls: serverAuth }, expect: { client: 'ok', worker: 'ok' } },
  { name: 'https-proxy-connect-proxy', family, about: 'https_proxy names an HTTP CONNECT proxy (corporate network, CI runner).', server: 'tls', client: { tls: serverAuth, via: CONNECT_PROXY, environment: { variables: { https_proxy: PROXY_URL } } }, expect: { client: 'ok', worker: 'ok' }, route: { client: 'proxy', worker: 'direct' } },
  { name: 'https-proxy-nothing-listening', family, about: 'https_proxy names a port where no proxy listens (a stale variable, a proxy that is down).', server: 'tls', client: { tls: serverAuth, environment: { variables: { https_proxy: { proxy: 'nothing-listening' } } } }, expect: { client: 'PROXY_UNREACHABLE', worker: 'ok' }, divergence: WORKER_IGNORES_PROXY_VARIABLES },
  { name: 'https-proxy-upper-case-only', family, about: 'Only HTTPS_PROXY (upper case) names the proxy, as curl and many tools accept.', server: 'tls', client: { tls: serverAuth, via: CONNECT_PROXY, environment: { variables: { HTTPS_PROXY: PROXY_URL } } }, expect: { client: 'ok', worker: 'ok' }, route: { client: 'direct', worker: 'direct' } },
  { name: 'no-proxy-localhost', family, about: 'https_proxy names the proxy and no_proxy=localhost exempts the server.', server: 'tls', client: { tls: serverAuth, via: CONNECT_PROXY, environment: { variables: { https_proxy: PROXY_URL, no_proxy: 'localhost' } } }, expect: { client: 'ok', worker: 'ok' }, route: { client: 'direct', worker: 'direct' } },
  { name: 'proxy-option-http-connect', family, about: "The application's own proxy option: the worker's proxy: { type: 'http-connect' }; the client has none, and the grpc.http_proxy channel argument users try is ignored.", server: 'tls', client: { tls: serverAuth, via: CONNECT_PROXY, proxyOption: true }, expect: { client: 'ok', worker: 'ok' }, route: { client: 'direct', worker: 'proxy' } },
  { name: 'http-api-port', family, about: "The frontend's HTTP API port (7243) dialled with gRPC instead of the gRPC port.", server: 'plain', client: { address: 'http-api', tls: false }, expect: { client: 'HTTP_ENDPOINT_NOT_GRPC', worker: 'HTTP_ENDPOINT_NOT_GRPC' } },
];
