import { both, HarnessScenario, mutualAuth, serverAuth } from './define';

const family = 'server-config';

/** Mistakes on the server's side; four prove the hole of mTLS that is not enforced. */
export const serverConfig: HarnessScenario[] = [
  { name: 'ca-as-leaf', family, about: 'A self-signed CA:TRUE certificate is the server certificate and, given as the CA, its own trust anchor.', server: 'tls-ca-as-leaf', client: { tls: { ca: 'serverCaAsLeaf' } }, expect: { client: 'ok', worker: 'CA_USED_AS_END_ENTITY' }, divergence: 'OpenSSL (client) accepts a trusted self-signed CA as the server certificate; webpki (worker) refuses a CA as end entity.' },
  { name: 'server-cert-client-auth-only', family, about: 'The server certificate has extendedKeyUsage clientAuth only.', server: 'tls-client-auth-eku', client: { tls: serverAuth }, expect: both('SERVER_CERT_WRONG_USAGE') },
  { name: 'name-constraints-exclude-host', family, about: "The server certificate for localhost comes from an intermediate constrained to corp.example.", server: 'tls-name-constrained', client: { tls: serverAuth }, expect: both('NAME_CONSTRAINTS_VIOLATED') },
  { name: 'mtls-not-enforced-valid-cert', family, about: 'A valid client certificate against that server: works, and proves nothing about enforcement.', server: 'mtls-not-enforced', client: { tls: mutualAuth }, expect: both('ok') },
  { name: 'mtls-not-enforced-no-cert', family, about: 'No client certificate, on a server with clientCaFiles but requireClientAuth false.', server: 'mtls-not-enforced', client: { tls: serverAuth }, verify: 'client-auth-refused', expect: both('MTLS_NOT_ENFORCED') },
  { name: 'mtls-not-enforced-expired', family, about: 'An expired client certificate, on the same server.', server: 'mtls-not-enforced', client: { tls: { ...mutualAuth, cert: 'clientExpired', key: 'clientExpired' } }, verify: 'client-auth-refused', expect: both('MTLS_NOT_ENFORCED') },
  {
    name: 'server-own-worker-unauthorized',
    family,
    about: "Authorization turned on without an internal-frontend: the server serves, refuses its own worker (\"Request unauthorized.\"), and exits a second later.",
    server: 'tls-auth-own-worker-unauthorized',
    client: { tls: serverAuth, apiKey: 'write' },
    expect: both('SERVER_START_FAILED'),
  },
  { name: 'mtls-not-enforced-other-ca', family, about: 'A client certificate from a CA the server does not trust, on the same server.', server: 'mtls-not-enforced', client: { tls: { ...mutualAuth, cert: 'clientOtherCa', key: 'clientOtherCa' } }, verify: 'client-auth-refused', expect: both('MTLS_NOT_ENFORCED') },
];
