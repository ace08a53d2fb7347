/**
 * The system store of a slim image, as sdk-typescript #1258 met it: SSL_CERT_FILE and
 * SSL_CERT_DIR name paths that do not exist. Each worker release says something else (measured
 * against the same server; README, "Bisecting a bug across SDK and Node versions").
 */
import { HarnessScenario, serverAuth } from './define';

const family = 'trust-store';
const MISSING_STORE = { variables: { SSL_CERT_FILE: '/nonexistent/ca-certificates.crt', SSL_CERT_DIR: '/nonexistent/certs' } };

export const trustStoreAcrossReleases: HarnessScenario[] = [
  {
    name: 'ca-given-system-store-missing',
    family,
    about: 'tls.serverRootCACertificate given; SSL_CERT_FILE and SSL_CERT_DIR name paths that do not exist.',
    server: 'tls',
    client: { tls: serverAuth, environment: MISSING_STORE },
    expect: { client: 'ok', worker: { 'sdk <1.11.5': 'TRUST_STORE_PATH_MISSING', default: 'ok' } },
    divergence: 'Up to SDK 1.11.3 the worker reads SSL_CERT_FILE even when given a CA, and a path that does not exist fails the connection; 1.11.5 no longer does.',
  },
  {
    name: 'no-ca-system-store-missing',
    family,
    about: 'tls: true with no CA; SSL_CERT_FILE and SSL_CERT_DIR name paths that do not exist.',
    server: 'tls',
    client: { tls: {}, environment: MISSING_STORE },
    expect: { client: 'SERVER_CA_UNTRUSTED', worker: { 'sdk <1.11.5': 'TRUST_STORE_PATH_MISSING', default: 'SYSTEM_ROOTS_MISSING' } },
  },
];
