import { both, HarnessScenario, mutualAuth, serverAuth } from './define';

const family = 'key-type';

/** Expected outcomes measured against the real server (README, "Key algorithms and sizes"). */
export const keyType: HarnessScenario[] = [
  { name: 'server-p256', family, about: 'The server certificate has an ECDSA P-256 key (cfssl, step and mkcert default).', server: 'tls-p256', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'server-p384', family, about: 'The server certificate has an ECDSA P-384 key.', server: 'tls-p384', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'server-p521', family, about: 'The server certificate has an ECDSA P-521 key.', server: 'tls-p521', client: { tls: serverAuth }, expect: { client: 'ok', worker: 'KEY_ALGORITHM_UNSUPPORTED' }, divergence: 'OpenSSL (client) verifies P-521; rustls with ring (worker) has no P-521 at all.' },
  { name: 'server-ed25519', family, about: 'The server certificate has an Ed25519 key.', server: 'tls-ed25519', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'server-rsa1024', family, about: 'The server certificate has an RSA-1024 key.', server: 'tls-rsa1024', client: { tls: serverAuth }, expect: { client: { 'node >=24': 'KEY_TOO_SMALL', default: 'ok' }, worker: 'KEY_TOO_SMALL' }, divergence: "Node 20's OpenSSL 3.0 and Node 22's (client) accept RSA-1024 at security level 1; webpki (worker) refuses RSA under 2048 bits. Node 24 (security level 2) refuses it too: EE certificate key too weak." },
  { name: 'server-rsa4096', family, about: 'The server certificate has an RSA-4096 key.', server: 'tls-rsa4096', client: { tls: serverAuth }, expect: both('ok') },
  { name: 'client-p256', family, about: 'An ECDSA P-256 client certificate issued by the RSA CA, key in PKCS#8.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientP256', key: 'clientP256' } }, expect: both('ok') },
  { name: 'client-p256-sec1', family, about: 'The same P-256 client key in SEC1 (BEGIN EC PRIVATE KEY), as openssl ecparam writes it.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientP256', key: 'client-p256-sec1' } }, expect: both('ok') },
  { name: 'client-p384', family, about: 'An ECDSA P-384 client certificate and key.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientP384', key: 'clientP384' } }, expect: both('ok') },
  { name: 'client-p521', family, about: 'An ECDSA P-521 client certificate and key.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientP521', key: 'clientP521' } }, expect: { client: 'ok', worker: 'KEY_ALGORITHM_UNSUPPORTED' }, divergence: 'OpenSSL (client) signs with P-521; rustls with ring (worker) cannot load a P-521 key.' },
  { name: 'client-ed25519', family, about: 'An Ed25519 client certificate and key.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientEd25519', key: 'clientEd25519' } }, expect: both('ok') },
  { name: 'client-rsa1024', family, about: 'An RSA-1024 client certificate and key.', server: 'mtls', client: { tls: { ...mutualAuth, cert: 'clientRsa1024', key: 'clientRsa1024' } }, expect: { client: { 'node >=24': 'KEY_TOO_SMALL', default: 'ok' }, worker: 'KEY_TOO_SMALL' }, divergence: 'OpenSSL (client) signs with RSA-1024 on Node 20 and 22 and the Go server accepts it; ring (worker) refuses RSA keys under 2048 bits. Node 24 refuses to use the key: ee key too small.' },
];
