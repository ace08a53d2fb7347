import { both, HarnessScenario, serverAuth } from './define';

const family = 'server-cert';

export const serverCertificate: HarnessScenario[] = [
  { name: 'untrusted-ca-system-roots', family, about: 'tls: true with no CA: the system roots do not contain the private CA.', server: 'tls', client: { tls: {} }, expect: both('SERVER_CA_UNTRUSTED') },
  { name: 'ca-of-another-pki', family, about: 'The CA given belongs to another PKI.', server: 'tls', client: { tls: { ca: 'otherCa' } }, expect: both('SERVER_CA_UNTRUSTED') },
  { name: 'server-leaf-as-ca', family, about: "The server's own certificate given as the CA.", server: 'tls', client: { tls: { ca: 'server' } }, expect: both('SERVER_CA_UNTRUSTED') },
  { name: 'expired', family, about: 'The server certificate expired yesterday.', server: 'tls-expired', client: { tls: serverAuth }, expect: both('SERVER_CERT_EXPIRED') },
  { name: 'not-yet-valid', family, about: 'The server certificate is valid only from next month.', server: 'tls-not-yet-valid', client: { tls: serverAuth }, expect: both('SERVER_CERT_NOT_YET_VALID') },
  { name: 'hostname-mismatch', family, about: 'The certificate names only tls-sample (samples-server tls-simple); the client dials localhost.', server: 'tls-sample', client: { tls: serverAuth }, expect: both('SERVER_NAME_MISMATCH') },
  { name: 'other-host-with-override', family, about: 'Same certificate, with serverNameOverride tls-sample as the samples instruct.', server: 'tls-sample', client: { tls: { ...serverAuth, serverName: 'tls-sample' } }, expect: both('ok') },
  { name: 'server-name-override-right', family, about: 'Dial 127.0.0.1 with serverNameOverride localhost.', server: 'tls', client: { address: 'server-ip', tls: { ...serverAuth, serverName: 'localhost' } }, expect: both('ok') },
  { name: 'server-name-override-wrong', family, about: 'serverNameOverride names a host the certificate does not cover.', server: 'tls', client: { tls: { ...serverAuth, serverName: 'wrong.example.com' } }, expect: both('SERVER_NAME_MISMATCH') },
  { name: 'server-name-override-with-port', family, about: 'serverNameOverride "localhost:7233", a host:port where a name belongs (as in some Cloud docs).', server: 'tls', client: { tls: { ...serverAuth, serverName: 'localhost:7233' } }, expect: both('SERVER_NAME_INVALID') },
  { name: 'cn-only-no-san', family, about: 'The certificate names localhost only in its CN, with no subjectAltName.', server: 'tls-cn-only', client: { tls: serverAuth }, expect: { client: 'ok', worker: 'SERVER_CERT_NO_SAN' }, divergence: 'OpenSSL (client) still falls back to the CN when there is no SAN; rustls (worker) never looks at the CN.' },
  { name: 'v1-server-cert', family, about: 'The server certificate is X.509 v1, as `openssl x509 -req` without -extfile makes it.', server: 'tls-v1', client: { tls: serverAuth }, expect: { client: 'ok', worker: 'CERT_V1_UNSUPPORTED' }, divergence: 'OpenSSL (client) accepts v1 end-entity certificates; webpki (worker) accepts only v3.' },
  { name: 'chain-sent', family, about: 'Leaf signed by an intermediate, sent with the intermediate; the root is trusted.', server: 'tls-chain', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'chain-not-sent', family, about: 'Leaf signed by an intermediate, sent without it; the root is trusted.', server: 'tls-no-chain', client: { tls: serverAuth }, expect: both('CHAIN_INCOMPLETE') },
  { name: 'intermediate-as-only-root', family, about: 'Only the intermediate is trusted (samples-server tls-full does this).', server: 'tls-chain', client: { tls: { ca: 'intermediateCa' } }, expect: { client: 'INTERMEDIATE_AS_ROOT', worker: 'ok' }, divergence: 'webpki (worker) treats any configured certificate as a trust anchor; OpenSSL (client) needs a self-signed root unless partial chains are allowed.' },
  { name: 'sha1-signature', family, about: 'The server certificate is signed with SHA-1.', server: 'tls-sha1', client: { tls: serverAuth }, expect: both('WEAK_SIGNATURE') },
];
