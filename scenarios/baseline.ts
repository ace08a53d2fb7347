import { both, HarnessScenario, mutualAuth, serverAuth } from './define';

export const baseline: HarnessScenario[] = [
  { name: 'plain', family: 'baseline', about: 'Plaintext client, plaintext server.', server: 'plain', client: { tls: false, namespace: 'default' }, expect: both('ok') },
  { name: 'tls', family: 'baseline', about: 'TLS with the server CA given.', server: 'tls', client: { tls: serverAuth, namespace: 'default' }, expect: both('ok') },
  { name: 'mtls', family: 'baseline', about: 'Mutual TLS with CA, client certificate and key.', server: 'mtls', client: { tls: mutualAuth, namespace: 'default' }, expect: both('ok') },
  { name: 'namespace-omitted', family: 'baseline', about: 'No namespace given: the SDKs fall back to "default".', server: 'tls', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'address-without-port', family: 'baseline', about: 'Address "localhost" with no port: the SDKs add 7233.', server: 'plain', client: { address: 'no-port', tls: false }, expect: both('ok') },
  { name: 'other-namespace', family: 'baseline', about: 'A namespace other than default.', server: 'mtls', client: { tls: mutualAuth, namespace: 'harness-other' }, expect: both('ok') },
  {
    name: 'dial-ip-address',
    family: 'baseline',
    about: 'Dial 127.0.0.1, which the server certificate lists as an IP SAN.',
    server: 'tls',
    client: { address: 'server-ip', tls: serverAuth },
    expect: { client: { 'node >=25': 'IP_SERVER_NAME_REFUSED_BY_NODE', default: 'ok' }, worker: 'ok' },
    divergence: "grpc-js (client) passes the IP to Node as the TLS server name, which Node 25 and later refuse (Node 20 to 24 print DEP0123 and go on); rustls (worker) verifies the IP against the certificate's IP SANs.",
  },
  { name: 'dial-ip-address-server-name-override', family: 'baseline', about: 'The same, with serverNameOverride set to localhost, which the certificate holds too: the fix on Node 25 and later.', server: 'tls', client: { address: 'server-ip', tls: { ...serverAuth, serverName: 'localhost' } }, expect: both('ok') },
  { name: 'mtls-pkcs1-key', family: 'baseline', about: 'Client key in PKCS#1 (BEGIN RSA PRIVATE KEY), as node-forge and old OpenSSL write it.', server: 'mtls', client: { tls: { ...mutualAuth, key: 'client-pkcs1' } }, expect: both('ok') },
  { name: 'mtls-on-tls-server', family: 'baseline', about: 'A client certificate sent to a server that does not ask for one.', server: 'tls', client: { tls: mutualAuth }, expect: both('ok') },
];
