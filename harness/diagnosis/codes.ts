/**
 * Every cause the harness can name, with the one-line explanation and the one-line fix shown
 * beside a failing cell. The classifier (classify.ts) maps error texts to these codes.
 */
import type { Stack } from '../model/stack';

export const DIAGNOSES = {
  SERVER_CA_UNTRUSTED: {
    explanation: 'The server certificate does not chain to any CA this client trusts.',
    fix: 'Set tls.serverRootCACertificate to the CA that issued the server certificate.',
  },
  SERVER_NAME_MISMATCH: {
    explanation: 'The server certificate does not name the host the client dialled (or its serverNameOverride).',
    fix: 'Dial a name in the certificate SANs, or set tls.serverNameOverride to one of them.',
  },
  SERVER_NAME_INVALID: {
    explanation: 'The server name is not a valid DNS name: it contains a port, or it is an IPv6 literal, which sdk-core (worker) passes on with its brackets.',
    fix: 'Set tls.serverNameOverride to a bare host name the certificate holds, without scheme, port or brackets.',
  },
  IP_SERVER_NAME_REFUSED_BY_NODE: {
    explanation:
      "Node 25 and later refuse an IP address as the TLS server name (DEP0123 reached its end), and grpc-js (the client) sets the server name from the address's host: dialling a server by IP over TLS fails before the handshake, whatever its certificate holds.",
    fix: 'Dial a DNS name the server certificate holds, or set tls.serverNameOverride to one (grpc-js then sends that name); or run the client on Node 24 until grpc-js stops sending IPs.',
  },
  SERVER_CERT_EXPIRED: {
    explanation: 'The server certificate has expired.',
    fix: 'Renew the server certificate and restart the server with it.',
  },
  SERVER_CERT_NOT_YET_VALID: {
    explanation: 'The server certificate is not valid yet (notBefore is in the future, or a clock is wrong).',
    fix: 'Issue the certificate with a notBefore in the past, or fix the clock of the machine that signed it.',
  },
  SERVER_CERT_NO_SAN: {
    explanation: 'The server certificate names its host only in the CN; rustls (the worker) requires a subjectAltName.',
    fix: 'Reissue the server certificate with subjectAltName DNS/IP entries for every name clients dial.',
  },
  CERT_V1_UNSUPPORTED: {
    explanation: 'An X.509 v1 certificate (no extensions) is in play; rustls (the worker) accepts only v3.',
    fix: 'Reissue the certificate as v3 (openssl: pass -extfile with basicConstraints, keyUsage and SANs).',
  },
  CHAIN_INCOMPLETE: {
    explanation: 'The server sends its leaf without the intermediate CA, so the client cannot build a path to its root.',
    fix: 'Configure the server certFile as the leaf followed by its intermediate(s) (a full chain file).',
  },
  INTERMEDIATE_AS_ROOT: {
    explanation: 'Only an intermediate CA is trusted; OpenSSL (the client) needs the self-signed root unless partial chains are allowed.',
    fix: 'Set tls.serverRootCACertificate to the root CA (or the root followed by the intermediate).',
  },
  WEAK_SIGNATURE: {
    explanation: 'A certificate in the chain is signed with SHA-1, which the TLS stack refuses.',
    fix: 'Reissue the certificate with a SHA-256 (or stronger) signature.',
  },
  CLIENT_CERT_REQUIRED: {
    explanation: 'The server requires a client certificate (mTLS) and none was sent.',
    fix: 'Set tls.clientCertPair with the client certificate and its private key.',
  },
  CLIENT_CERT_UNTRUSTED: {
    explanation: 'The server does not trust the CA that issued the client certificate.',
    fix: "Use a client certificate issued by a CA in the server's clientCaFiles, or add its CA there.",
  },
  CLIENT_CERT_EXPIRED: {
    explanation: 'The client certificate has expired.',
    fix: 'Issue a new client certificate and update tls.clientCertPair.',
  },
  CLIENT_CERT_WRONG_USAGE: {
    explanation: 'The client certificate is not allowed for client authentication (its extendedKeyUsage lacks clientAuth).',
    fix: 'Reissue the client certificate with extendedKeyUsage clientAuth (or without the extension).',
  },
  KEY_CERT_MISMATCH: {
    explanation: 'The private key does not belong to the client certificate.',
    fix: 'Pair the certificate with the key it was issued for (compare their public key fingerprints).',
  },
  KEY_MALFORMED: {
    explanation: 'The private key PEM cannot be parsed.',
    fix: 'Restore the PEM exactly: real line breaks, no indentation or quotes, markers on their own lines.',
  },
  KEY_ENCRYPTED: {
    explanation: 'The private key is encrypted with a passphrase, which neither SDK stack can take.',
    fix: 'Decrypt it once: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-plain.pem (store it as a secret).',
  },
  KEY_MISSING: {
    explanation: 'A client certificate was given without its private key (or the key is empty).',
    fix: 'Give both halves of tls.clientCertPair: crt and a non-empty key.',
  },
  CERT_KEY_SWAPPED: {
    explanation: 'The private key is given as the certificate and the certificate as the key.',
    fix: 'Swap them: clientCertPair.crt takes the CERTIFICATE PEM, clientCertPair.key the PRIVATE KEY PEM.',
  },
  CERT_MALFORMED: {
    explanation: 'A certificate PEM cannot be parsed.',
    fix: 'Restore the PEM exactly: real line breaks, no indentation or quotes, markers on their own lines.',
  },
  KEY_ALGORITHM_UNSUPPORTED: {
    explanation: 'A key algorithm in play is one the TLS stack cannot use: rustls (the worker, with ring) has no ECDSA P-521, for a server certificate or a client key.',
    fix: 'Reissue with ECDSA P-256 (or P-384, RSA-2048+, Ed25519): openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out req.csr, then sign req.csr with the CA.',
  },
  CERT_DER_NOT_PEM: {
    explanation: 'The certificate is DER (binary), not PEM; both stacks read only PEM.',
    fix: 'Convert it: openssl x509 -inform der -in cert.der -out cert.pem',
  },
  KEY_DER_NOT_PEM: {
    explanation: 'The private key is DER (binary), not PEM; both stacks read only PEM.',
    fix: 'Convert it: openssl pkey -inform der -in key.der -out key.pem',
  },
  PEM_DOUBLE_ENCODED: {
    explanation: 'The PEM was base64-encoded once more (as secret stores and Kubernetes secrets hold it) and never decoded.',
    fix: 'Decode it once: base64 -d file.b64 > file.pem (or openssl base64 -d -A -in file.b64 -out file.pem).',
  },
  PKCS12_NOT_PEM: {
    explanation: 'A PKCS#12 bundle (.pfx/.p12) was given where a PEM certificate or key belongs.',
    fix: 'Extract PEM from it: openssl pkcs12 -in bundle.pfx -clcerts -nokeys -out cert.pem and openssl pkcs12 -in bundle.pfx -nocerts -nodes -out key.pem (-passin pass: for no password).',
  },
  CHAIN_ORDER_WRONG: {
    explanation: 'The certificate file starts with the intermediate; the leaf, whose key is given, must come first.',
    fix: 'Write the leaf first, then its intermediate(s): cat leaf.pem intermediate.pem > chain.pem',
  },
  CA_USED_AS_END_ENTITY: {
    explanation: 'The server certificate is a CA (basicConstraints CA:TRUE), as `openssl req -x509` makes it; rustls (the worker) refuses a CA as the end entity.',
    fix: 'Make a CA and issue the server a leaf with CA:FALSE: openssl req -x509 ... -keyout ca.key -out ca.pem, then openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -extfile <(printf "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost") -out server.pem',
  },
  NAME_CONSTRAINTS_VIOLATED: {
    explanation: "A CA in the server's chain has name constraints that do not permit the name in the server certificate.",
    fix: "Issue the server certificate from a CA whose nameConstraints permit its names (or dial a name inside the CA's permitted subtree).",
  },
  MTLS_NOT_ENFORCED: {
    explanation: 'The server has client CAs configured but does not require client certificates (requireClientAuth: false), so any client gets in: none, expired or foreign.',
    fix: 'Set requireClientAuth: true beside clientCaFiles in the server TLS config (global.tls.frontend.server), and restart it.',
  },
  TLS_TO_PLAINTEXT_SERVER: {
    explanation: 'The client speaks TLS, but the server listens in plaintext.',
    fix: 'Drop the tls option for this server, or enable TLS on the server frontend.',
  },
  PLAINTEXT_TO_TLS_SERVER: {
    explanation: 'The client speaks plaintext, but the server requires TLS.',
    fix: 'Set tls (at least tls: true with the server CA) in the connection options; with apiKey, drop tls: false.',
  },
  CONNECTION_REFUSED: {
    explanation: 'Nothing listens at the address.',
    fix: 'Check host and port (7233 is the default), and that the server is running and reachable.',
  },
  INVALID_ADDRESS: {
    explanation: 'The address is not of the form host or host:port (an IPv6 literal with a port needs brackets: [::1]:7233).',
    fix: 'Give the address as host:port, without a scheme such as https://, and an IPv6 literal in brackets: [2001:db8::1]:7233.',
  },
  DNS_NAME_NOT_RESOLVED: {
    explanation: "The host name in the address resolves to no address: a typo, a deleted endpoint (a Cloud namespace's host), or a name only another network knows (a compose service name used from the host).",
    fix: 'Check the name with getent hosts NAME (or nslookup) from where the application runs; use the name that network resolves (localhost and the published port from the host, the service name inside compose).',
  },
  TLS_VERSION_UNSUPPORTED: {
    explanation: 'The server (or the proxy terminating TLS) speaks only TLS versions the stack refuses: both stacks need TLS 1.2 or 1.3, and Temporal Cloud takes TLS 1.3 only.',
    fix: "Enable TLS 1.2 and 1.3 on the endpoint that terminates TLS (nginx: ssl_protocols TLSv1.2 TLSv1.3); TLS 1.0 and 1.1 are gone from both stacks' defaults.",
  },
  TLS_NO_SHARED_CIPHER: {
    explanation: 'The endpoint terminating TLS offers only cipher suites the stack lacks: rustls (the worker) has no CBC suites, which old middleboxes and hardened-by-copy configurations still list alone.',
    fix: 'Allow an AEAD suite on the endpoint (nginx: ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305), or enable TLS 1.3.',
  },
  SYSTEM_ROOTS_MISSING: {
    explanation: 'tls is on without a CA, and the worker (rustls-native-certs) finds no system root certificates at all (slim image, empty SSL_CERT_FILE).',
    fix: 'Install ca-certificates in the image, point SSL_CERT_FILE at a CA bundle, or set tls.serverRootCACertificate.',
  },
  TRUST_STORE_PATH_MISSING: {
    explanation:
      'SSL_CERT_FILE or SSL_CERT_DIR names a path that does not exist; @temporalio/worker before 1.11.5 then fails every TLS connection with "No such file or directory", even one given serverRootCACertificate.',
    fix: 'Point SSL_CERT_FILE and SSL_CERT_DIR at files that exist (or unset them), or upgrade @temporalio/worker to 1.11.5 or later.',
  },
  TRUST_STORE_NOT_READ: {
    explanation: "The CA that issued the server certificate is in a trust store this stack does not read.",
    fix: 'Put the CA where each stack reads it: the worker (rustls) SSL_CERT_FILE or SSL_CERT_DIR, the client (grpc-js) NODE_EXTRA_CA_CERTS or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH; or set tls.serverRootCACertificate.',
    fixByStack: {
      client: 'Set NODE_EXTRA_CA_CERTS (at process start) or GRPC_DEFAULT_SSL_ROOTS_FILE_PATH to the CA file, which the client (grpc-js) reads; or set tls.serverRootCACertificate.',
      worker: 'Set SSL_CERT_FILE (or SSL_CERT_DIR) to the CA file, which the worker (rustls-native-certs) reads; or set tls.serverRootCACertificate.',
    },
  },
  CUSTOM_CA_REPLACES_SYSTEM_ROOTS: {
    explanation: "tls.serverRootCACertificate replaces the system roots, and the server's certificate comes from a CA only the system store holds.",
    fix: "Drop serverRootCACertificate for this server (the system roots then apply), or pass a bundle holding both CAs.",
  },
  ALPN_H2_MISSING: {
    explanation: 'A TLS-terminating proxy or load balancer in front of the server does not negotiate ALPN h2, which the worker (tonic) requires.',
    fix: 'Enable ALPN h2 on the proxy (nginx stream: ssl_alpn h2; AWS NLB: ALPN policy HTTP2Preferred), or let TLS pass through to the server.',
  },
  PROXY_UNREACHABLE: {
    explanation: 'The client goes through the HTTP proxy named by https_proxy/http_proxy/grpc_proxy, and nothing answers there.',
    fix: 'Fix or unset the proxy variable, or add the server to no_proxy (no_grpc_proxy) when it must be reached directly.',
  },
  HTTP_ENDPOINT_NOT_GRPC: {
    explanation: "The address is an HTTP endpoint (the frontend's HTTP API port 7243, or a web UI), not the gRPC frontend.",
    fix: 'Dial the gRPC frontend port (7233 by default; for Temporal Cloud the gRPC endpoint, not the web address).',
  },
  NAMESPACE_NOT_FOUND: {
    explanation: 'The namespace does not exist on this server.',
    fix: 'Register the namespace (temporal operator namespace create) or fix the namespace option.',
  },
  PAYLOAD_UNDECODABLE: {
    explanation: 'Payloads are encrypted by a codec this side does not have, or with a different key.',
    fix: 'Configure the same payload codec and key on every client and worker of the namespace.',
  },
  API_KEY_MISSING: {
    explanation: 'The server has authorization on and the call carried no API key; connecting still works (GetSystemInfo is exempt), the first real call is refused.',
    fix: 'Set apiKey in the connection options (TEMPORAL_API_KEY, or api_key in the envconfig profile) to a token with "<namespace>:write" in its permissions claim.',
  },
  API_KEY_EXPIRED: {
    explanation: "The API key's exp claim has passed; the server refuses every call with it, even connecting (it allows no clock skew).",
    fix: 'Mint a new token (exp later) and pass it as apiKey, or with connection.setApiKey() on a live connection.',
  },
  API_KEY_NOT_YET_VALID: {
    explanation: "The API key's nbf (or iat) claim lies in the future; the server checks it with no clock-skew leeway and refuses every call.",
    fix: 'Mint the token with nbf and iat a few seconds in the past (or without nbf), or fix the clock of the machine that mints it.',
  },
  API_KEY_REJECTED: {
    explanation: "The server cannot verify the API key: not a JWT, a signature that does not verify, a kid absent from its JWKS, an alg other than RS256/ES256, or an aud other than its authorization.audience.",
    fix: "Sign the token with a key in the server's jwtKeyProvider.keySourceURIs (its kid in the header, RS256 or ES256) and set its aud claim to the server's authorization.audience.",
  },
  NAMESPACE_NOT_PERMITTED: {
    explanation: "The API key is valid but grants nothing on this namespace: its permissions claim names other namespaces only.",
    fix: 'Add "<namespace>:write" to the token\'s permissions claim, or set the namespace option to the one the token is for.',
  },
  ROLE_INSUFFICIENT: {
    explanation: "The API key's role on the namespace is too low for the call: starting workflows and polling task queues need write, and \"worker\" alone grants nothing.",
    fix: 'Mint the token with "<namespace>:write" (or admin) in its permissions claim; "read" only describes and reads.',
  },
  API_KEY_STRAY_BYTES: {
    explanation: 'The API key carries bytes around the token (a trailing newline or CRLF from a file or secret store, spaces, quotes), so the key that reaches the server, if any, is not the token.',
    fix: 'Trim the key where it is read (key.trim() in code; $(cat key | tr -d "\\r\\n") in a shell), and drop the quotes a .env or YAML file kept around it.',
  },
  API_KEY_IMPLIES_TLS: {
    explanation: 'apiKey is set and tls is not, so the TS SDK turned TLS on by itself; the server listens in plaintext.',
    fix: 'Set tls: false beside apiKey for a plaintext server (envconfig: TEMPORAL_TLS=false, or disabled = true under [profile.NAME.tls]).',
  },
  LONG_POLL_CUT: {
    explanation:
      "Something between the stack and the server (a proxy, ingress or gateway) ended a long poll before the server did: its read timeout is shorter than the server's long poll (a worker's task polls: about 70 s, matching.longPollExpirationInterval 1 min; a client awaiting a result: history.longPollExpirationInterval, 20 s).",
    fix: "Raise the proxy's timeout for gRPC above 70 s (nginx: grpc_read_timeout 75s; Envoy: route timeout 0 or above 75 s), or lower the server's matching.longPollExpirationInterval (and history.longPollExpirationInterval) below it.",
  },
  PROXY_HTTP_ERROR: {
    explanation: 'A proxy answered the gRPC call itself with an HTTP error page (a 502, 503 or 504 in HTML) instead of passing it to the server; the stacks read the page as a broken gRPC message.',
    fix: "Look at the proxy's upstream: is the Temporal frontend up and reachable from the proxy, on the port the proxy names, over HTTP/2 (nginx: grpc_pass grpc://host:7233)?",
  },
  SERVER_NOT_READY: {
    explanation:
      'The server was not accepting connections yet when the stack connected, and served moments later. NativeConnection.connect (worker) makes one attempt and fails at once; Connection.connect (client) retries until its connectTimeout (10 s by default).',
    fix: 'Retry NativeConnection.connect with a backoff until it succeeds, or start workers only once the frontend passes a health check (temporal operator cluster health, or the gRPC health service).',
  },
  IDLE_CONNECTION_DROPPED: {
    explanation: 'A device between the stack and the server (a NAT, firewall or load balancer) dropped the connection while it carried no data; a worker\'s long poll looks idle to it too.',
    fix: "Raise the device's idle timeout above the long poll (70 s), or make the stacks ping more often than it times out (client: channelArgs grpc.keepalive_time_ms; worker: NativeConnection keepAlive).",
  },
  KEEPALIVE_REFUSED: {
    explanation: "The server (or a proxy) refused the client's keepalive pings as too frequent and closed the connection (GOAWAY ENHANCE_YOUR_CALM \"too_many_pings\"); grpc-js then doubles its ping interval and reconnects.",
    fix: "Set the server's frontend.keepAliveMinTime at or below the client's ping interval (30 s in the TS SDK), or raise the client's grpc.keepalive_time_ms (channelArgs) above the server's minimum.",
  },
  PAYLOAD_TOO_LARGE: {
    explanation: "A message is over a size limit: one payload over the server's blob size limit (limit.blobSize.error, 2 MB by default), or a whole gRPC message over a receiver's limit (4 MB by default).",
    fix: "Keep payloads small: store large data elsewhere (a blob store) and pass a reference; or raise the server's limits (limit.blobSize.error, and the gRPC message size), knowing the stacks' own limits still apply.",
  },
  TIMEOUT: {
    explanation: 'Nothing answered in time: the call neither succeeded nor failed.',
    fix: 'Check that the address reaches a Temporal frontend and that a worker polls the task queue.',
  },
  UNCLASSIFIED: {
    explanation: 'The failure matches no known cause.',
    fix: 'Read the raw error below, and report it so the classifier can learn it.',
  },
  // Found only by `validate`'s offline checks: no stack names these, but each predicts a failure
  // (error), a coming failure (warning) or explains a setting (info).
  PEM_DAMAGE_TOLERATED: {
    explanation: 'The PEM has damage both stacks read through today (CRLF, trailing spaces, joined lines, ...).',
    fix: 'Store the repaired copy (--fix-output DIR writes it), so the next tool that reads it does not choke.',
  },
  CERT_EXPIRES_SOON: {
    explanation: 'A certificate expires within the next 30 days.',
    fix: 'Renew it now and roll the new certificate out before it expires.',
  },
  CLIENT_CERT_NOT_YET_VALID: {
    explanation: 'The client certificate is not valid yet (notBefore is in the future, or a clock is wrong).',
    fix: 'Issue the certificate with a notBefore in the past, or fix the clock of the machine that signed it.',
  },
  CA_CERT_EXPIRED: {
    explanation: 'A CA certificate has expired, so nothing chains to it any more.',
    fix: 'Renew the CA (or use its successor) and reissue or re-trust what depends on it.',
  },
  CA_CERT_NOT_YET_VALID: {
    explanation: 'A CA certificate is not valid yet (notBefore is in the future, or a clock is wrong).',
    fix: 'Issue the CA with a notBefore in the past, or fix the clock of the machine that signed it.',
  },
  CA_NOT_A_CA: {
    explanation: 'A certificate given as a CA may not sign certificates (basicConstraints CA:FALSE or keyUsage without keyCertSign).',
    fix: "Give the CA that issued the server's certificate, not a leaf certificate.",
  },
  KEY_TOO_SMALL: {
    explanation: 'An RSA key is shorter than 2048 bits; rustls (the worker) refuses such keys, in a server chain and as its own client key (OpenSSL 3.5 as in Node 24 refuses them too: "EE certificate key too weak").',
    fix: 'Reissue the certificate with an RSA key of at least 2048 bits: openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out req.csr, then sign req.csr with the CA.',
  },
  CLIENT_CERT_ISSUER_UNKNOWN: {
    explanation: 'The client certificate does not chain to any CA in the files given, so it cannot be checked offline.',
    fix: "Make sure the server's clientCaFiles (or the Cloud namespace's CA) holds the CA that issued it.",
  },
  SETTING_IGNORED_BY_SDK: {
    explanation: "A setting the environment or the envconfig profile holds is one the SDK release's envconfig does not apply: the connection is made as if it were not there, and nothing says so.",
    fix: 'Configure it in code (the connection options) instead, or drop it; validate --sdk VERSION says whether another release applies it.',
  },
  SERVER_DEGRADED: {
    explanation: "The server answers clients, but its own worker (the worker service's scanner, schedules and batch operations) cannot reach its frontend: connections work while the server's system workflows never run, and v1.32.1 exits a minute later.",
    fix: "Give the server's own worker what the frontend asks of clients: with mTLS, a client certificate in global.tls.systemWorker (certFile, keyFile) from a CA in clientCaFiles; then restart the server.",
  },
  SERVER_BOUND_TO_LOOPBACK: {
    explanation: "The server's frontend listens on 127.0.0.1 inside its container, so its published port reaches nothing: Docker accepts the connection on the host and closes it, as it does where nothing listens at all.",
    fix: 'Bind the frontend to all interfaces in its container: services.frontend.rpc.bindOnIP: 0.0.0.0 (the official image: BIND_ON_IP=0.0.0.0), and keep 127.0.0.1 on the host side of the port mapping instead (-p 127.0.0.1:7233:7233).',
  },
  SERVER_START_FAILED: {
    explanation: "The server started serving and then exited: its own worker could not start (the server's log line says why). Until it is fixed, every connection to it is refused.",
    fix: "Fix what the server's log line names; with authorization on, run an internal-frontend service (services.internal-frontend) for the server's own worker, or give it credentials the authorizer accepts.",
  },
  SERVER_CERT_WRONG_USAGE: {
    explanation: 'The server certificate may not be used for TLS servers (extendedKeyUsage without serverAuth, or keyUsage without a TLS usage).',
    fix: 'Reissue the server certificate with extendedKeyUsage serverAuth and keyUsage digitalSignature.',
  },
} as const satisfies Record<string, { explanation: string; fix: string; fixByStack?: Record<Stack, string> }>;

export type DiagnosisCode = keyof typeof DIAGNOSES;

/** The fix for `stack`: some causes are fixed differently in each stack. */
export function fixFor(code: DiagnosisCode, stack: Stack): string {
  const diagnosis: { fix: string; fixByStack?: Record<Stack, string> } = DIAGNOSES[code];
  return diagnosis.fixByStack?.[stack] ?? diagnosis.fix;
}

