import { both, HarnessScenario, mutualAuth, serverAuth } from './define';

const family = 'auth';

/**
 * Where a key's stray bytes were refused (measured): a line break stops grpc-js (client) before
 * it sends anything, while sdk-core (worker) drops the header and calls without a key; spaces and
 * quotes travel, and the server refuses the key.
 */
const STRAY_BYTES_REFUSED_BY_STACKS = { client: 'the stack refused the key itself', worker: 'the stack sent its calls without the key' };
const STRAY_BYTES_SENT = 'the stack sent the key with them, and the server refused it';

/** Authorization with API keys (JWTs) on a real server: which key gets in, and why each other one does not. */
export const auth: HarnessScenario[] = [
  { name: 'api-key-write', family, about: 'An RS256 API key with write on the namespace, over TLS.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'write', namespace: 'default' }, expect: both('ok') },
  { name: 'api-key-es256', family, about: 'The same, signed with ES256, the other algorithm the server supports.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'es256-write' }, expect: both('ok') },
  { name: 'api-key-over-mtls', family, about: 'An API key together with a client certificate on an mTLS server.', server: 'mtls-auth', client: { tls: mutualAuth, apiKey: 'write' }, expect: both('ok') },
  { name: 'api-key-over-plaintext', family, about: 'An API key with tls: false on a plaintext server: the server accepts bearer tokens without TLS.', server: 'plain-auth', client: { tls: false, apiKey: 'write' }, expect: both('ok') },
  { name: 'api-key-with-audience', family, about: 'A server that requires an audience, and a key whose aud names it.', server: 'tls-auth-audience', client: { tls: serverAuth, apiKey: 'write' }, expect: both('ok') },
  { name: 'api-key-rotated-while-connected', family, about: 'Connected with a key for another namespace (refused), then setApiKey with the right one: the next call uses it.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'other-namespace', rotateApiKeyTo: 'write' }, expect: both('ok') },
  { name: 'no-api-key', family, about: 'No API key on a server with authorization: connecting works, the first real call is refused.', server: 'tls-auth', client: { tls: serverAuth }, expect: both('API_KEY_MISSING') },
  { name: 'client-cert-instead-of-api-key', family, about: 'A client certificate and no API key on an mTLS server with authorization: the certificate grants nothing.', server: 'mtls-auth', client: { tls: mutualAuth }, expect: both('API_KEY_MISSING') },
  { name: 'api-key-instead-of-client-cert', family, about: 'An API key and no client certificate on an mTLS server: the key does not replace the certificate.', server: 'mtls-auth', client: { tls: serverAuth, apiKey: 'write' }, expect: both('CLIENT_CERT_REQUIRED') },
  { name: 'api-key-expired', family, about: 'A key whose exp passed a minute ago.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'expired' }, expect: both('API_KEY_EXPIRED') },
  { name: 'api-key-not-yet-valid', family, about: 'A key whose nbf is five minutes ahead.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'not-yet-valid' }, expect: both('API_KEY_NOT_YET_VALID') },
  { name: 'api-key-unknown-signer', family, about: "A key signed by a key that is not in the server's JWKS.", server: 'tls-auth', client: { tls: serverAuth, apiKey: 'unknown-key' }, expect: both('API_KEY_REJECTED') },
  { name: 'api-key-tampered', family, about: 'A valid key with its signature altered.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'tampered' }, expect: both('API_KEY_REJECTED') },
  { name: 'api-key-trailing-newline', family, about: 'The write key read from a file or secret store with its trailing newline kept.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'write', apiKeyStray: 'trailing-newline' }, expect: both('API_KEY_STRAY_BYTES'), detail: STRAY_BYTES_REFUSED_BY_STACKS },
  { name: 'api-key-trailing-crlf', family, about: 'The same with a Windows line ending (CRLF).', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'write', apiKeyStray: 'trailing-crlf' }, expect: both('API_KEY_STRAY_BYTES'), detail: STRAY_BYTES_REFUSED_BY_STACKS },
  { name: 'api-key-surrounding-spaces', family, about: 'The write key with spaces around it, as pasted.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'write', apiKeyStray: 'surrounding-spaces' }, expect: both('API_KEY_STRAY_BYTES'), detail: { client: STRAY_BYTES_SENT, worker: STRAY_BYTES_SENT } },
  { name: 'api-key-surrounding-quotes', family, about: 'The write key with the double quotes a .env or YAML file kept around it.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'write', apiKeyStray: 'surrounding-quotes' }, expect: both('API_KEY_STRAY_BYTES'), detail: { client: STRAY_BYTES_SENT, worker: STRAY_BYTES_SENT } },
  { name: 'api-key-malformed', family, about: 'An API key that is not a JWT at all.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'malformed' }, expect: both('API_KEY_REJECTED') },
  { name: 'api-key-wrong-audience', family, about: 'A key whose aud is not the audience the server requires.', server: 'tls-auth-audience', client: { tls: serverAuth, apiKey: 'wrong-audience' }, expect: both('API_KEY_REJECTED') },
  { name: 'api-key-other-namespace', family, about: 'A key with write on "default" used on "harness-other", which exists: the isolation between namespaces.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'other-namespace', namespace: 'harness-other' }, expect: both('NAMESPACE_NOT_PERMITTED') },
  { name: 'api-key-read-only', family, about: 'A read-only key starting a workflow (client) or polling a task queue (worker).', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'read' }, expect: both('ROLE_INSUFFICIENT') },
  { name: 'api-key-worker-role', family, about: 'A key with the role named "worker", which the server ranks below read: it grants nothing.', server: 'tls-auth', client: { tls: serverAuth, apiKey: 'worker-role' }, expect: both('ROLE_INSUFFICIENT') },
  { name: 'api-key-implies-tls', family, about: 'apiKey set and tls left unset, against a plaintext server: the SDK turned TLS on by itself.', server: 'plain-auth', client: { apiKey: 'write' }, expect: both('API_KEY_IMPLIES_TLS') },
  { name: 'api-key-plaintext-to-tls-server', family, about: 'apiKey with tls: false against a TLS server.', server: 'tls-auth', client: { tls: false, apiKey: 'write' }, expect: both('PLAINTEXT_TO_TLS_SERVER') },
];
