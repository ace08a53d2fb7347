/**
 * Trust stores outside the application's options. Every cell here runs in a child process
 * started with the environment the scenario names; the server (`tls`) presents a certificate
 * from the harness CA, which no real system store holds. `tls: {}` is the SDK's `tls: true`.
 */
import { HarnessScenario } from './define';

const family = 'trust-store';
const CA_FILE = { certificate: 'ca' } as const;

const CLIENT_READS_EXTRA =
  'Node adds NODE_EXTRA_CA_CERTS to its root store when it starts, and grpc-js (client) uses that store when no CA is passed; rustls-native-certs (worker) never reads the variable.';
const WORKER_READS_SSL_CERT_FILE =
  'rustls-native-certs (worker) reads SSL_CERT_FILE / SSL_CERT_DIR; Node (client) verifies with its compiled-in Mozilla roots and ignores OpenSSL\'s variables unless started with --use-openssl-ca.';

export const trustStore: HarnessScenario[] = [
  { name: 'no-ca-empty-system-store', family, about: 'tls: true with no CA in a slim image: the system store is empty.', server: 'tls', client: { tls: {}, environment: { systemStore: 'empty' } }, expect: { client: 'SERVER_CA_UNTRUSTED', worker: 'SYSTEM_ROOTS_MISSING' } },
  { name: 'ca-in-system-store', family, about: 'The private CA is installed in the system store (SSL_CERT_FILE/SSL_CERT_DIR), as update-ca-certificates does.', server: 'tls', client: { tls: {}, environment: { systemStore: 'ca' } }, expect: { client: 'TRUST_STORE_NOT_READ', worker: 'ok' }, divergence: WORKER_READS_SSL_CERT_FILE },
  { name: 'ca-in-node-extra-ca-certs', family, about: 'The private CA only in NODE_EXTRA_CA_CERTS, the variable Node users reach for first.', server: 'tls', client: { tls: {}, environment: { variables: { NODE_EXTRA_CA_CERTS: CA_FILE } } }, expect: { client: 'ok', worker: 'TRUST_STORE_NOT_READ' }, divergence: CLIENT_READS_EXTRA },
  { name: 'ca-in-ssl-cert-file', family, about: 'The private CA only in SSL_CERT_FILE.', server: 'tls', client: { tls: {}, environment: { variables: { SSL_CERT_FILE: CA_FILE } } }, expect: { client: 'TRUST_STORE_NOT_READ', worker: 'ok' }, divergence: WORKER_READS_SSL_CERT_FILE },
  { name: 'ca-in-grpc-roots-file', family, about: 'The private CA only in GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, grpc\'s own variable.', server: 'tls', client: { tls: {}, environment: { variables: { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: CA_FILE } } }, expect: { client: 'ok', worker: 'TRUST_STORE_NOT_READ' }, divergence: 'grpc-js (client) replaces its default roots with the file GRPC_DEFAULT_SSL_ROOTS_FILE_PATH names; sdk-core (worker) is not grpc-js and never reads it.' },
  { name: 'ca-in-ssl-cert-file-and-grpc-roots', family, about: 'The private CA in SSL_CERT_FILE and GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: one variable per stack.', server: 'tls', client: { tls: {}, environment: { variables: { SSL_CERT_FILE: CA_FILE, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: CA_FILE } } }, expect: { client: 'ok', worker: 'ok' } },
  { name: 'ca-in-ssl-cert-file-use-openssl-ca', family, about: 'The private CA in SSL_CERT_FILE, with Node started as node --use-openssl-ca.', server: 'tls', client: { tls: {}, environment: { variables: { SSL_CERT_FILE: CA_FILE }, nodeFlags: ['--use-openssl-ca'] } }, expect: { client: 'ok', worker: 'ok' } },
  { name: 'system-ca-with-custom-ca', family, about: 'The server certificate comes from a CA in the system store (and NODE_EXTRA_CA_CERTS); the application passes another CA.', server: 'tls', client: { tls: { ca: 'otherCa' }, environment: { systemStore: 'ca', variables: { NODE_EXTRA_CA_CERTS: CA_FILE } } }, expect: { client: 'CUSTOM_CA_REPLACES_SYSTEM_ROOTS', worker: { 'sdk <=1.11.5': 'ok', default: 'CUSTOM_CA_REPLACES_SYSTEM_ROOTS' } } , divergence: 'Up to SDK 1.11.5 the worker trusts the system roots beside serverRootCACertificate; 1.24.0 trusts the given CA alone, as the client (grpc-js) always does.' },
];
