/** The servers scenarios run against. Each is its own container, started only when a selected scenario needs it. */
import type { ServerSpec } from '../harness/matrix/scenario';

export const SERVERS = {
  plain: { mode: 'plain', hostPort: 7233, about: 'No TLS, on port 7233 when it is free (for the no-port scenario).' },
  tls: { mode: 'tls', certificate: 'server', about: 'Server-authenticated TLS; certificate for localhost, 127.0.0.1 and ::1.' },
  mtls: { mode: 'mtls', certificate: 'server', about: 'Mutual TLS: requireClientAuth with the harness CA as client CA.' },
  'tls-expired': { mode: 'tls', certificate: 'serverExpired', about: 'Presents a certificate that expired yesterday.' },
  'tls-not-yet-valid': { mode: 'tls', certificate: 'serverNotYetValid', about: 'Presents a certificate valid from next month.' },
  'tls-cn-only': { mode: 'tls', certificate: 'serverCnOnly', about: 'Presents a certificate with CN=localhost and no SAN.' },
  'tls-v1': { mode: 'tls', certificate: 'serverV1', about: 'Presents an X.509 v1 certificate (no extensions).' },
  'tls-sha1': { mode: 'tls', certificate: 'serverSha1', about: 'Presents a SHA-1-signed certificate.' },
  'tls-chain': {
    mode: 'tls',
    certificate: 'serverViaIntermediate',
    sendChain: true,
    about: 'Leaf signed by an intermediate CA, sent with the intermediate.',
  },
  'tls-no-chain': {
    mode: 'tls',
    certificate: 'serverViaIntermediate',
    about: 'Leaf signed by an intermediate CA, sent alone.',
  },
  'tls-sample': {
    mode: 'tls',
    certificate: 'serverTlsSample',
    about: "Like samples-server's tls-simple: the certificate names only tls-sample and ::1.",
  },
  'tls-auth': {
    mode: 'tls',
    certificate: 'server',
    authorization: {},
    about: 'TLS with authorization: the default authorizer and JWT claim mapper, keys from a JWKS file.',
  },
  'mtls-auth': { mode: 'mtls', certificate: 'server', authorization: {}, about: 'Mutual TLS with authorization.' },
  'plain-auth': { mode: 'plain', authorization: {}, about: 'Plaintext with authorization.' },
  'tls-auth-audience': {
    mode: 'tls',
    certificate: 'server',
    authorization: { audience: 'temporal-tls-harness' },
    about: 'TLS with authorization that requires the audience "temporal-tls-harness".',
  },
  'tls-p256': { mode: 'tls', certificate: 'serverP256', about: 'Presents an ECDSA P-256 certificate (issued by the RSA root).' },
  'tls-p384': { mode: 'tls', certificate: 'serverP384', about: 'Presents an ECDSA P-384 certificate.' },
  'tls-p521': { mode: 'tls', certificate: 'serverP521', about: 'Presents an ECDSA P-521 certificate.' },
  'tls-ed25519': { mode: 'tls', certificate: 'serverEd25519', about: 'Presents an Ed25519 certificate.' },
  'tls-rsa1024': { mode: 'tls', certificate: 'serverRsa1024', about: 'Presents an RSA-1024 certificate.' },
  'tls-rsa4096': { mode: 'tls', certificate: 'serverRsa4096', about: 'Presents an RSA-4096 certificate.' },
  'tls-ca-as-leaf': { mode: 'tls', certificate: 'serverCaAsLeaf', about: 'Presents a self-signed CA:TRUE certificate, as `openssl req -x509` makes one.' },
  'tls-client-auth-eku': { mode: 'tls', certificate: 'serverClientAuthOnly', about: 'Presents a certificate whose extendedKeyUsage is clientAuth only.' },
  'tls-name-constrained': {
    mode: 'tls',
    certificate: 'serverNameConstrained',
    sendChain: true,
    about: 'Presents a localhost certificate from an intermediate whose nameConstraints permit only corp.example.',
  },
  'mtls-not-enforced': {
    mode: 'mtls',
    certificate: 'server',
    requireClientAuth: false,
    about: 'clientCaFiles set but requireClientAuth false: the server never asks for a client certificate.',
  },
  'tls-paused': {
    mode: 'tls',
    certificate: 'server',
    about: "Like tls, for the faults family's server-paused alone: its cells freeze it past both stacks' deadlines (23 s of the two cells), so the other faults do not queue behind them.",
  },
  'tls-faults': {
    mode: 'tls',
    certificate: 'server',
    survivesRestart: true,
    about: 'Like tls, for the faults family alone: its cells restart it, so no other cell may share it.',
  },
  'tls-cert-rotation': {
    mode: 'tls',
    certificate: 'server',
    tlsRefreshInterval: '1s',
    about: "Like tls, re-reading its certificate files every second: the faults family's cells replace them, so no other cell may share it.",
  },
  'plain-short-poll': {
    mode: 'plain',
    dynamicConfig: { 'matching.longPollExpirationInterval': '3s', 'history.longPollExpirationInterval': '3s' },
    about: 'Plaintext, its long polls ended after 3 s (matching and history longPollExpirationInterval; 1 min and 20 s by default).',
  },
  'tls-max-age': {
    mode: 'tls',
    certificate: 'server',
    dynamicConfig: { 'frontend.keepAliveMaxConnectionAge': '4s', 'frontend.keepAliveMaxConnectionAgeGrace': '2s' },
    about: 'TLS, closing every connection after 4 s (frontend.keepAliveMaxConnectionAge, 5 min by default, ±10 %) with 2 s of grace for calls in flight (70 s by default).',
  },
  'mtls-max-age': {
    mode: 'mtls',
    certificate: 'server',
    dynamicConfig: { 'frontend.keepAliveMaxConnectionAge': '4s', 'frontend.keepAliveMaxConnectionAgeGrace': '2s' },
    about: 'Mutual TLS, closing every connection after 4 s (2 s of grace): each client handshakes again every few seconds.',
  },
  'tls-auth-short-poll': {
    mode: 'tls',
    certificate: 'server',
    authorization: {},
    dynamicConfig: { 'matching.longPollExpirationInterval': '3s', 'history.longPollExpirationInterval': '3s' },
    about: 'TLS with authorization, its long polls ended after 3 s: a poll in flight when a key expires ends soon, and the next is refused.',
  },
  'tls-late': {
    mode: 'tls',
    certificate: 'server',
    survivesRestart: true,
    about: "Like tls, for the lifetime family's server-starts-late alone: its cells stop it and start it again, so no other cell may share it.",
  },
  'tls-strict-pings': {
    mode: 'tls',
    certificate: 'server',
    dynamicConfig: { 'frontend.keepAliveMinTime': '60s', 'frontend.keepAliveMaxConnectionIdle': '10m' },
    about: 'TLS, refusing pings more often than every 60 s (frontend.keepAliveMinTime, 10 s by default), and not closing idle connections within a cell (keepAliveMaxConnectionIdle 10 min; 2 min by default).',
  },
} as const satisfies Record<string, ServerSpec>;

export type ServerName = keyof typeof SERVERS;
