/**
 * TLS versions and cipher suites, as the endpoint that terminates TLS narrows them: a TLS
 * 1.3-only endpoint (Temporal Cloud takes nothing else), a TLS 1.2 one offering CBC suites alone
 * (an old middlebox, or a cipher list copied from an old hardening guide), and a TLS 1.0/1.1 one.
 * The endpoint is nginx's stream module in front of the plaintext server, ALPN h2.
 */
import { both, HarnessScenario, serverAuth } from './define';

const family = 'tls-version';

/** The ECDHE suites with CBC and HMAC-SHA1, for both key types the server certificate may have. */
const CBC_ONLY = 'ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA';

export const tlsVersion: HarnessScenario[] = [
  {
    name: 'tls13-only',
    family,
    about: 'The endpoint speaks TLS 1.3 only, as Temporal Cloud does.',
    server: 'plain',
    client: { via: { kind: 'tls-proxy', alpn: 'h2', versions: ['TLSv1.3'] }, tls: serverAuth },
    expect: both('ok'),
  },
  {
    name: 'tls12-cbc-suites-only',
    family,
    about: 'The endpoint speaks TLS 1.2 with CBC suites only (ECDHE with AES-CBC and HMAC-SHA1).',
    server: 'plain',
    client: { via: { kind: 'tls-proxy', alpn: 'h2', versions: ['TLSv1.2'], ciphers: CBC_ONLY }, tls: serverAuth },
    expect: { client: 'ok', worker: 'TLS_NO_SHARED_CIPHER' },
    divergence: 'OpenSSL (client) still offers the CBC suites in TLS 1.2; rustls (worker) implements none of them, so no suite is shared.',
  },
  {
    name: 'tls10-11-only',
    family,
    about: 'The endpoint speaks TLS 1.0 and 1.1 only (a legacy load balancer).',
    server: 'plain',
    client: { via: { kind: 'tls-proxy', alpn: 'h2', versions: ['TLSv1', 'TLSv1.1'], ciphers: 'DEFAULT:@SECLEVEL=0' }, tls: serverAuth },
    expect: both('TLS_VERSION_UNSUPPORTED'),
  },
];
