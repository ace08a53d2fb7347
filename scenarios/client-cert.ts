import { both, HarnessScenario, mutualAuth, serverAuth } from './define';

const family = 'client-cert';

export const clientCertificate: HarnessScenario[] = [
  { name: 'no-client-cert', family, about: 'The server requires a client certificate; none is configured.', server: 'mtls', client: { tls: serverAuth }, expect: both('CLIENT_CERT_REQUIRED') },
  { name: 'client-cert-other-ca', family, about: 'The client certificate is issued by a CA the server does not trust.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientOtherCa', key: 'clientOtherCa' } }, expect: both('CLIENT_CERT_UNTRUSTED') },
  { name: 'client-cert-expired', family, about: 'The client certificate expired yesterday.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientExpired', key: 'clientExpired' } }, expect: both('CLIENT_CERT_EXPIRED') },
  { name: 'client-cert-server-auth-only', family, about: 'The client certificate has extendedKeyUsage serverAuth only.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientServerAuthOnly', key: 'clientServerAuthOnly' } }, expect: both('CLIENT_CERT_WRONG_USAGE') },
  { name: 'key-does-not-match-cert', family, about: 'The key belongs to another certificate.', server: 'mtls', client: { tls: { ...mutualAuth, key: 'clientOtherCa' } }, expect: both('KEY_CERT_MISMATCH') },
  { name: 'encrypted-key', family, about: 'The client key is encrypted with a passphrase (BEGIN ENCRYPTED PRIVATE KEY).', server: 'mtls', client: { tls: { ...mutualAuth, key: 'client-encrypted' } }, expect: both('KEY_ENCRYPTED') },
  { name: 'empty-key', family, about: 'clientCertPair has the certificate but an empty key (an unset secret).', server: 'mtls', client: { tls: { ...mutualAuth, key: 'empty' } }, expect: both('KEY_MISSING') },
  { name: 'v1-client-cert', family, about: 'The client certificate is X.509 v1.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientV1', key: 'clientV1' } }, expect: { client: 'ok', worker: 'CERT_V1_UNSUPPORTED' }, divergence: 'The Go server accepts a v1 client certificate; rustls (worker) refuses to send one.' },
  { name: 'cert-and-key-swapped', family, about: 'The key is given as the certificate and the certificate as the key.', server: 'mtls', client: { tls: { ...mutualAuth, swapCertAndKey: true } }, expect: both('CERT_KEY_SWAPPED') },
];
